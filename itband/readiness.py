"""Is the site ready to serve and is its mail moving? Read by ``/readyz`` and by
``manage.py readiness`` (for monitoring), so both say the same thing.

- database: answers or not (not answering: the site is unavailable, 503);
- broker: Redis answers, is down, or is not configured (the embedded default);
- relay: how long ago the Outbox relay last finished a run (Celery beat runs it every
  ``PERIODIC_RELAY_SECONDS``; the embedded default's ``run_background`` every few seconds);
- pending mail: how long the oldest unsent email has waited.

A relay silent for more than two minutes, or mail waiting more than five, is "degraded": the
site still serves (200), but bookings' emails are not going out.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from time import monotonic

from django.conf import settings
from django.db import connection
from django.db.models import Min
from django.utils import timezone

from .models import Heartbeat, OutboxMessage

# /readyz needs no sign-in: without this, every hit would open a connection to Redis. One
# check per process per broker address every few seconds is plenty for a probe.
BROKER_CHECK_SECONDS = 5.0
_broker_checks: dict[str, tuple[float, str]] = {}
_broker_lock = threading.Lock()

RELAY_SILENT_AFTER = timedelta(minutes=2)
MAIL_WAITING_AFTER = timedelta(minutes=5)


@dataclass(frozen=True)
class Readiness:
    database: str  # "ok" or "down"
    broker: str = "not checked"
    relay_seconds_ago: int | None = None  # None: never ran
    oldest_mail_seconds: int | None = None  # None: nothing pending
    problems: tuple[str, ...] = field(default=())

    @property
    def status(self) -> str:
        if self.database != "ok":
            return "unavailable"
        return "degraded" if self.problems else "ok"

    @property
    def relay_text(self) -> str:
        if self.relay_seconds_ago is None:
            return "relay has not run yet"
        return f"relay last ran {self.relay_seconds_ago} s ago"

    @property
    def mail_text(self) -> str:
        if self.oldest_mail_seconds is None:
            return "no email waiting"
        return f"oldest pending email waiting {self.oldest_mail_seconds} s"

    def as_dict(self) -> dict:
        if self.database != "ok":
            return {"status": self.status, "database": "down"}
        return {
            "status": self.status,
            "database": self.database,
            "broker": self.broker,
            "relay": self.relay_text,
            "relay_last_ran_seconds_ago": self.relay_seconds_ago,
            "pending_mail": self.mail_text,
            "oldest_pending_mail_seconds": self.oldest_mail_seconds,
            "problems": list(self.problems),
        }

    def lines(self) -> list[str]:
        out = [f"status: {self.status}", f"database: {self.database}"]
        if self.database == "ok":
            out += [f"broker: {self.broker}", self.relay_text, self.mail_text]
            out += [f"problem: {problem}" for problem in self.problems]
        return out


def broker_state() -> str:
    """'ok', 'degraded' (configured but not answering) or 'not configured'."""
    if not settings.REDIS_URL:
        return "not configured"
    import redis

    client = redis.Redis.from_url(
        settings.REDIS_URL, socket_timeout=0.5, socket_connect_timeout=0.5
    )
    try:
        client.ping()
    except redis.RedisError:
        return "degraded"
    finally:
        client.close()
    return "ok"


def broker_state_cached() -> str:
    """``broker_state``, reused for BROKER_CHECK_SECONDS (monotonic clock) in this process.
    Threads arriving during a check wait for it rather than start their own."""
    url = settings.REDIS_URL
    with _broker_lock:
        checked = _broker_checks.get(url)
        if checked is not None and monotonic() - checked[0] < BROKER_CHECK_SECONDS:
            return checked[1]
        state = broker_state()
        _broker_checks[url] = (monotonic(), state)
        return state


def _seconds_since(moment: datetime | None, now: datetime) -> int | None:
    return None if moment is None else max(0, int((now - moment).total_seconds()))


def readiness(*, now: datetime | None = None, fresh_broker: bool = False) -> Readiness:
    """Raises the database's error when it does not answer (callers decide the answer).
    The broker's state may be up to BROKER_CHECK_SECONDS old unless ``fresh_broker``."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    now = now or timezone.now()
    broker = broker_state() if fresh_broker else broker_state_cached()
    relay_at = Heartbeat.objects.filter(name=Heartbeat.OUTBOX_RELAY).values_list("at", flat=True)
    relay_ago = _seconds_since(relay_at.first(), now)
    oldest = OutboxMessage.objects.filter(status=OutboxMessage.Status.PENDING).aggregate(
        oldest=Min("created_at")
    )["oldest"]
    mail_ago = _seconds_since(oldest, now)

    problems = []
    if broker == "degraded":
        problems.append("broker not answering")
    if relay_ago is None or relay_ago > RELAY_SILENT_AFTER.total_seconds():
        limit = int(RELAY_SILENT_AFTER.total_seconds())
        problems.append(f"relay silent for more than {limit} s")
    if mail_ago is not None and mail_ago > MAIL_WAITING_AFTER.total_seconds():
        limit = int(MAIL_WAITING_AFTER.total_seconds())
        problems.append(f"email waiting for more than {limit} s")
    return Readiness(
        database="ok",
        broker=broker,
        relay_seconds_ago=relay_ago,
        oldest_mail_seconds=mail_ago,
        problems=tuple(problems),
    )

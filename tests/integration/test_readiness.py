"""Readiness notices silence (issue #12): a relay that stopped running, or mail that waits, makes
/readyz "degraded" (still 200) and `manage.py readiness` exit 1, saying why."""

import re
from datetime import UTC, datetime, timedelta

import pytest
from django.core.management import call_command

from itband.models import Heartbeat, OutboxMessage
from itband.outbox import outbox_relay
from itband.readiness import readiness

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 3, 10, 15, 0, tzinfo=UTC)


@pytest.fixture(autouse=True)
def no_broker(settings):
    settings.REDIS_URL = ""


def pending_mail(created_at: datetime) -> OutboxMessage:
    message = OutboxMessage.objects.create(key=f"k{created_at.timestamp()}", to="r@example.com")
    OutboxMessage.objects.filter(pk=message.pk).update(created_at=created_at)
    return message


def test_a_relay_that_never_ran_is_degraded():
    state = readiness(now=NOW)
    assert state.status == "degraded"
    assert state.relay_text == "relay has not run yet"
    assert state.problems == ("relay silent for more than 120 s",)


def test_a_relay_run_is_recorded_and_reported():
    outbox_relay()  # nothing to send: still a run
    assert Heartbeat.objects.filter(name=Heartbeat.OUTBOX_RELAY).exists()
    Heartbeat.beat(Heartbeat.OUTBOX_RELAY, now=NOW - timedelta(seconds=7))
    state = readiness(now=NOW)
    assert state.status == "ok"
    assert state.relay_text == "relay last ran 7 s ago"


@pytest.mark.parametrize(("ago", "status"), [(120, "ok"), (121, "degraded")])
def test_the_relay_may_be_silent_two_minutes(ago, status):
    Heartbeat.beat(Heartbeat.OUTBOX_RELAY, now=NOW - timedelta(seconds=ago))
    assert readiness(now=NOW).status == status


@pytest.mark.parametrize(("ago", "status"), [(300, "ok"), (301, "degraded")])
def test_pending_mail_may_wait_five_minutes(ago, status):
    Heartbeat.beat(Heartbeat.OUTBOX_RELAY, now=NOW)  # the relay runs, but the mail is stuck
    pending_mail(NOW - timedelta(seconds=ago))
    state = readiness(now=NOW)
    assert state.status == status
    assert state.oldest_mail_seconds == ago
    assert (state.problems == ("email waiting for more than 300 s",)) == (status == "degraded")


def test_sent_mail_does_not_count_as_waiting():
    Heartbeat.beat(Heartbeat.OUTBOX_RELAY, now=NOW)
    message = pending_mail(NOW - timedelta(hours=1))
    OutboxMessage.objects.filter(pk=message.pk).update(status=OutboxMessage.Status.SENT)
    assert readiness(now=NOW).oldest_mail_seconds is None


def test_readyz_says_degraded_with_200_and_why(client):
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "degraded"
    assert body["relay"] == "relay has not run yet"
    assert body["problems"] == ["relay silent for more than 120 s"]


def test_the_command_prints_the_same_and_exits_by_status(capsys):
    with pytest.raises(SystemExit) as exit_info:
        call_command("readiness")
    assert exit_info.value.code == 1
    out = capsys.readouterr().out
    assert "status: degraded" in out and "relay has not run yet" in out
    assert "problem: relay silent for more than 120 s" in out

    outbox_relay()
    call_command("readiness")  # ok: returns normally (exit status 0)
    out = capsys.readouterr().out
    assert "status: ok" in out and re.search(r"^relay last ran \d+ s ago$", out, re.M)


def test_readyz_checks_the_broker_at_most_once_in_five_seconds(client, settings, monkeypatch):
    """/readyz needs no sign-in: 50 hits must not open 50 connections to the broker."""
    from itband import readiness as module

    settings.REDIS_URL = "redis://127.0.0.1:1/14"  # nothing listens: "degraded"
    checks = []
    real = module.broker_state

    def counted() -> str:
        checks.append(1)
        return real()

    monkeypatch.setattr(module, "broker_state", counted)
    bodies = [client.get("/readyz").json() for _ in range(50)]
    assert len(checks) <= 1
    assert {body["broker"] for body in bodies} == {"degraded"}

    # Five seconds on (the monotonic clock), the next hit checks again.
    started = module.monotonic()
    monkeypatch.setattr(module, "monotonic", lambda: started + 5.1)
    client.get("/readyz")
    assert len(checks) == 2

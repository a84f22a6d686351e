"""The email outbox: enqueue inside the caller's transaction, relay from a periodic job.

The request path never talks to SMTP or waits on Redis. ``outbox_enqueue`` writes a row in the
same transaction as the change that causes the email; ``outbox_relay`` (Celery beat in
production, the ``run_background`` loop in the embedded default) sends due rows one at a time,
each claimed with ``SELECT … FOR UPDATE SKIP LOCKED`` so that two relays never send one row.
Delivery is at least once: a relay killed after the SMTP server accepted a message but before
the row was marked sent will send that one message again.
"""

import logging
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from .models import Heartbeat, OutboxMessage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: str
    mimetype: str


@dataclass(frozen=True)
class RelayStats:
    sent: int = 0
    retried: int = 0
    failed: int = 0


def render_email(template: str, context: dict) -> tuple[str, str, str]:
    """Render ``emails/<template>_subject.txt``, ``_body.txt`` and ``_body.html``."""
    context = {"site_url": settings.SITE_URL, "clinic_name": settings.CLINIC_NAME, **context}
    subject = " ".join(render_to_string(f"emails/{template}_subject.txt", context).split())
    text = render_to_string(f"emails/{template}_body.txt", context)
    html = render_to_string(f"emails/{template}_body.html", context)
    return subject, text, html


def outbox_enqueue(
    *,
    key: str,
    to: str,
    template: str,
    context: dict,
    topic: str = "",
    attachments: tuple[Attachment, ...] = (),
    headers: dict[str, str] | None = None,
) -> OutboxMessage:
    """Queue one email. The same ``key`` twice queues it once (a reloaded page sends nothing)."""
    subject, text, html = render_email(template, context)
    message, created = OutboxMessage.objects.get_or_create(
        key=key,
        defaults={
            "to": to,
            "topic": topic,
            "subject": subject,
            "body_text": text,
            "body_html": html,
            "attachments": [
                {"filename": a.filename, "content": a.content, "mimetype": a.mimetype}
                for a in attachments
            ],
            "headers": dict(headers or {}),
        },
    )
    if created:
        transaction.on_commit(nudge_relay)
    return message


def outbox_resend(*, message: OutboxMessage, key_suffix: str) -> OutboxMessage:
    """Queue a copy of a message (the desk's "resend"), with its own key."""
    copy = OutboxMessage.objects.create(
        key=f"{message.key}:resend:{key_suffix}",
        topic=message.topic,
        to=message.to,
        subject=message.subject,
        body_text=message.body_text,
        body_html=message.body_html,
        attachments=message.attachments,
        headers=message.headers,
    )
    transaction.on_commit(nudge_relay)
    return copy


# After the broker fails, a process stops nudging it for this long. A stopped Redis refuses at
# once, but a hung one (accepting, never answering) costs each nudge the full socket timeout:
# one request waits a second, not every request.
NUDGE_PAUSE_SECONDS = 30.0
_nudges_paused_until = float("-inf")


def nudge_relay() -> None:
    """Ask a Celery worker to relay now. Best effort: the periodic relay is the guarantee.

    Short broker timeouts, a swallowed error and a pause after a failure keep a Redis outage
    from slowing requests.
    """
    global _nudges_paused_until
    if not settings.CELERY_BROKER_URL or time.monotonic() < _nudges_paused_until:
        return
    try:
        from .tasks import relay_outbox

        relay_outbox.apply_async(retry=False)
    except Exception as exc:  # noqa: BLE001 - any broker trouble is only logged
        _nudges_paused_until = time.monotonic() + NUDGE_PAUSE_SECONDS
        logger.warning(
            "outbox nudges paused for %.0f s: broker unavailable (%s)",
            NUDGE_PAUSE_SECONDS,
            type(exc).__name__,
        )


def backoff(attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt, capped at one hour."""
    seconds = settings.OUTBOX_BACKOFF_SECONDS * (2 ** max(attempts - 1, 0))
    return timedelta(seconds=min(seconds, 3600))


def _claim_next(now) -> OutboxMessage | None:
    return (
        OutboxMessage.objects.due(now)
        .select_for_update(skip_locked=True)
        .order_by("next_attempt_at", "id")
        .first()
    )


def _send(message: OutboxMessage, connection) -> None:
    email = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        to=[message.to],
        connection=connection,
        headers={**(message.headers or {}), "X-Outbox-Key": message.key},
    )
    if message.body_html:
        email.attach_alternative(message.body_html, "text/html")
    for attachment in message.attachments:
        email.attach(attachment["filename"], attachment["content"], attachment["mimetype"])
    email.send(fail_silently=False)


def outbox_relay(*, limit: int | None = None) -> RelayStats:
    """Send due messages, one row lock at a time, until none is due or ``limit`` is reached."""
    limit = limit or settings.OUTBOX_RELAY_BATCH
    sent = retried = failed = 0
    connection = mailers.default
    for _ in range(limit):
        with transaction.atomic():
            now = timezone.now()
            message = _claim_next(now)
            if message is None:
                break
            message.attempts += 1
            try:
                _send(message, connection)
            except Exception as exc:  # noqa: BLE001 - any send failure is retried later
                message.last_error = f"{type(exc).__name__}: {exc}"[:300]
                if message.attempts >= settings.OUTBOX_MAX_ATTEMPTS:
                    message.status = OutboxMessage.Status.FAILED
                    failed += 1
                else:
                    message.next_attempt_at = now + backoff(message.attempts)
                    retried += 1
                # Log the row id, never the recipient or the body.
                logger.warning("outbox message %s not sent (%s)", message.pk, type(exc).__name__)
            else:
                message.status = OutboxMessage.Status.SENT
                message.sent_at = timezone.now()
                message.last_error = ""
                sent += 1
            message.save(
                update_fields=["attempts", "status", "sent_at", "next_attempt_at", "last_error"]
            )
    # Readiness reads this: a relay that stops running is otherwise silent.
    Heartbeat.beat(Heartbeat.OUTBOX_RELAY)
    return RelayStats(sent=sent, retried=retried, failed=failed)

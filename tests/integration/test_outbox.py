"""The email outbox: enqueue in the caller's transaction, relay once, retry failures."""

import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import transaction
from django.utils import timezone

from itband.models import OutboxMessage
from itband.outbox import Attachment, outbox_enqueue, outbox_relay
from tests.conftest import free_port

pytestmark = pytest.mark.django_db

# A real SMTP connection to a loopback port where nothing listens: refused.
REFUSING_SMTP = {
    "default": {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {"host": "127.0.0.1", "port": free_port(), "use_tls": False, "timeout": 2},
    }
}
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}


def enqueue(key="welcome:1", **overrides):
    values = {
        "key": key,
        "to": "runner@example.com",
        "template": "test_message",
        "context": {"name": "Riley <script>"},
        "topic": "test:1",
    }
    values.update(overrides)
    return outbox_enqueue(**values)


def test_message_is_sent_once_by_the_relay():
    enqueue(attachments=(Attachment("visit.ics", "BEGIN:VCALENDAR", "text/calendar"),))
    assert outbox_relay().sent == 1
    assert outbox_relay().sent == 0
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.subject == "Test message for Riley <script>"
    assert email.to == ["runner@example.com"]
    assert "&lt;script&gt;" in email.alternatives[0][0]  # HTML body is escaped
    assert email.attachments[0][0] == "visit.ics"
    row = OutboxMessage.objects.get()
    assert row.status == OutboxMessage.Status.SENT and row.attempts == 1 and row.sent_at


def test_same_key_queues_one_message():
    enqueue()
    enqueue()
    assert OutboxMessage.objects.count() == 1


def test_enqueue_rolls_back_with_the_callers_transaction():
    with pytest.raises(RuntimeError), transaction.atomic():
        enqueue()
        raise RuntimeError("the booking failed")
    assert not OutboxMessage.objects.exists()


def test_failing_smtp_is_retried_with_backoff_then_sent(settings):
    enqueue()
    settings.MAILERS = REFUSING_SMTP
    stats = outbox_relay()
    assert (stats.sent, stats.retried) == (0, 1)
    row = OutboxMessage.objects.get()
    assert row.status == OutboxMessage.Status.PENDING
    assert row.attempts == 1
    assert row.next_attempt_at > timezone.now() + timedelta(seconds=20)
    assert "ConnectionRefused" in row.last_error
    assert outbox_relay().retried == 0  # not due yet: backoff holds it

    settings.MAILERS = LOCMEM
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert outbox_relay().sent == 1
    assert len(mail.outbox) == 1
    assert OutboxMessage.objects.get().attempts == 2


def test_message_gives_up_after_the_attempt_limit(settings):
    enqueue()
    settings.MAILERS = REFUSING_SMTP
    settings.OUTBOX_MAX_ATTEMPTS = 2
    outbox_relay()
    OutboxMessage.objects.update(next_attempt_at=timezone.now())
    assert outbox_relay().failed == 1
    assert OutboxMessage.objects.get().status == OutboxMessage.Status.FAILED


def test_after_a_broker_failure_the_process_pauses_its_nudges(settings, monkeypatch):
    """A hung Redis costs each nudge its socket timeout: after one failure the process stops
    nudging for a while (the periodic relay still sends everything)."""
    from itband import outbox, tasks

    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"
    calls = []

    def hung(*args, **kwargs):
        calls.append(1)
        raise TimeoutError("no answer")

    monkeypatch.setattr(tasks.relay_outbox, "apply_async", hung)

    outbox.nudge_relay()
    outbox.nudge_relay()
    outbox.nudge_relay()
    assert len(calls) == 1
    paused_for = outbox._nudges_paused_until - time.monotonic()
    assert outbox.NUDGE_PAUSE_SECONDS - 5 < paused_for <= outbox.NUDGE_PAUSE_SECONDS
    monkeypatch.setattr(outbox, "_nudges_paused_until", time.monotonic() - 1)  # pause over
    outbox.nudge_relay()
    assert len(calls) == 2

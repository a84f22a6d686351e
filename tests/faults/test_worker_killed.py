"""A Celery worker dies in the middle of an SMTP send: nothing is lost, at most one is doubled."""

from __future__ import annotations

import os

import pytest
from django.db import transaction

from itband.models import OutboxMessage
from itband.outbox import outbox_enqueue
from itband.tasks import relay_outbox

from .support import SmtpSink, wait_for

pytestmark = [
    pytest.mark.faults,
    pytest.mark.skipif(
        not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL"
    ),
    pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs Redis"),
]

MESSAGES = 10
HOLD_AT = 4  # the sink holds its "250" after the 4th message's data


@pytest.mark.timeout(90)
def test_a_worker_killed_mid_send_loses_nothing(celery_worker):
    keys = [f"fault:kill:{n}" for n in range(MESSAGES)]
    with transaction.atomic():
        for n, key in enumerate(keys):
            outbox_enqueue(
                key=key, to="runner@example.com", template="test_message", context={"name": n}
            )

    with SmtpSink(hold_at=HOLD_AT) as sink:
        first = celery_worker(name="doomed", smtp_port=sink.port)
        relay_outbox.apply_async()
        # The worker has sent the 4th message's data and waits for the server's reply...
        assert sink.in_flight.wait(timeout=40), first.log.read_text()[-3000:]
        first.kill()  # ...when it dies, before its row can say "sent".
        sink.release.set()
        held = sink.held_key
        assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).count() == (
            HOLD_AT - 1
        )

        # A new worker; its beat's periodic relay picks up what is still pending.
        celery_worker(
            name="successor", smtp_port=sink.port, beat=True, env={"PERIODIC_RELAY_SECONDS": "1"}
        )
        pending = OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT)
        assert wait_for(lambda: not pending.exists(), timeout=40), list(
            pending.values_list("key", "status", "last_error")
        )
        counts = sink.counts()

    assert set(counts) == set(keys)  # nothing lost
    doubled = {key: n for key, n in counts.items() if n > 1}
    # At least once: only the message in flight at the kill went out twice.
    assert doubled == {held: 2}, counts

"""The reminder job in several workers at once (PostgreSQL, real concurrent transactions):
each draft and each result is reminded once, by whichever worker claims it first."""

from datetime import UTC, datetime, timedelta

import pytest
from django.utils import timezone

from assessments.models import Submission
from booking.followups import runner_reminders_send_due
from itband.models import OutboxMessage
from tests.factories import booking_clinic, submitted_intake
from tests.integration.test_booking_postgres import run_in_threads

WORKERS = 6


@pytest.mark.django_db(transaction=True)
def test_workers_at_once_queue_each_reminder_once(requires_postgres, reference_data, pinned_clock):
    pinned_clock.move_to(datetime(2026, 6, 10, 14, 30, tzinfo=UTC))  # 10:30 in New York
    booking_clinic()
    now = timezone.now()
    for n in range(8):
        draft = Submission.objects.create(
            questionnaire_version="2",
            consented_at=now,
            email=f"draft{n}@example.com",
            remind_me=True,
        )
        Submission.objects.filter(pk=draft.pk).update(updated_at=now - timedelta(hours=25))
        submitted_intake(email=f"result{n}@example.com", submitted_at=now - timedelta(hours=49))
    counts = run_in_threads(WORKERS, lambda n: runner_reminders_send_due())
    assert not [c for c in counts if isinstance(c, Exception)], counts
    assert sum(counts) == 16
    assert OutboxMessage.objects.filter(key__startswith="reminder:draft:").count() == 8
    assert OutboxMessage.objects.filter(key__startswith="reminder:result:").count() == 8
    assert runner_reminders_send_due() == 0

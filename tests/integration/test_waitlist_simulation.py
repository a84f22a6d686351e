"""manage.py simulate_waitlist: a replay through the real services that keeps nothing."""

from datetime import time

import pytest
from django.core.management import call_command

from booking.models import Appointment, WaitlistEntry, WaitlistOffer
from booking.waitlist_simulation import simulate
from itband.models import OutboxMessage
from tests.factories import booking_clinic

# Not date_sensitive: a replay of days is heavy for the date sweep, and the waitlist's own
# tests (test_waitlist.py, test_waitlist_pages.py) run at every instant of it.
pytestmark = pytest.mark.django_db


def test_the_simulation_fills_freed_times_and_keeps_nothing(reference_data, capsys):
    booking_clinic(clinicians=2, start=time(9), end=time(13))
    report = simulate(days=3, seed=3, runners=8, cancel_rate=0.5, claim_rate=1.0)
    assert report.booked_before > 0
    assert report.cancellations == round(report.booked_before * 0.5)
    assert report.offers >= report.filled > 0
    assert len(report.delays) == report.filled
    assert all(delay.total_seconds() <= 30 * 60 for delay in report.delays)  # inside the hold
    # Rolled back: the schedule is as it was.
    assert not Appointment.objects.exists()
    assert not WaitlistEntry.objects.exists() and not WaitlistOffer.objects.exists()
    assert not OutboxMessage.objects.exists()

    call_command("simulate_waitlist", days=1, runners=2)
    assert "Offers sent:" in capsys.readouterr().out

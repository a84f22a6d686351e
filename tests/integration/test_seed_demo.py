"""seed_demo is deterministic and re-runnable."""

import pytest
from django.core import serializers
from django.core.management import call_command

from booking.models import Location, WaitlistEntry
from itband.models import User

pytestmark = pytest.mark.django_db


def snapshot() -> str:
    users = User.objects.order_by("username")
    return serializers.serialize(
        "json",
        [*Location.objects.order_by("slug"), *users],
        fields=None,
    )


def row_counts() -> dict[str, int]:
    from assessments.models import Submission
    from booking.models import Appointment, Clinician, Patient, WaitlistEntry, WeeklyAvailability

    models = (
        Submission, Appointment, Clinician, Patient, WeeklyAvailability, Location, User,
        WaitlistEntry,
    )  # fmt: skip
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.date_sensitive
def test_seed_demo_twice_leaves_the_same_data(reference_data):
    call_command("seed_demo")
    first, first_counts = snapshot(), row_counts()
    call_command("seed_demo")
    assert snapshot() == first
    assert row_counts() == first_counts
    assert first_counts["Submission"] >= 7 and first_counts["Appointment"] > 20
    # Three runners waiting now; the clinic page's history adds runners who waited (booked or left).
    assert WaitlistEntry.objects.filter(status=WaitlistEntry.Status.WAITING).count() == 3
    assert first_counts["WaitlistEntry"] > 3
    usernames = set(User.objects.values_list("username", flat=True))
    assert {"frontdesk", "clinician", "admin", "jlee", "mpatel", "sortiz"} <= usernames
    assert Location.objects.filter(is_demo=True).count() == 2
    assert {loc.timezone for loc in Location.objects.all()} == {"America/New_York"}


def test_demo_staff_have_their_roles(reference_data, settings):
    call_command("seed_demo")
    desk = User.objects.get(username="frontdesk")
    assert list(desk.groups.values_list("name", flat=True)) == ["Front desk"]
    assert desk.check_password(settings.DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser


@pytest.mark.django_db(transaction=True)  # each round closes and reopens its connection
@pytest.mark.date_sensitive
def test_rounds_of_background_jobs_after_seed_demo_relay_every_email_once(reference_data):
    """What make run does first, at any instant: seed, then rounds of the periodic jobs (relay,
    reminders, clean-up, past visits). A round relays first, so the reminders it queues leave
    with the next round; then nothing is pending and nothing is sent twice."""
    from django.core import mail

    from itband.models import OutboxMessage

    call_command("seed_demo")
    call_command("run_background", "--once")
    assert OutboxMessage.objects.filter(status=OutboxMessage.Status.SENT).exists()
    call_command("run_background", "--once")
    assert not OutboxMessage.objects.exclude(status=OutboxMessage.Status.SENT).exists()
    assert len(mail.outbox) == OutboxMessage.objects.count()
    call_command("run_background", "--once")
    assert len(mail.outbox) == OutboxMessage.objects.count()


def test_the_clinic_page_has_months_of_history_after_seed_demo(reference_data):
    """The history (clinic.demo) gives every section of the clinic page something to show,
    and seeding it queues no email (every check-in due is already there)."""
    from datetime import timedelta

    from django.utils import timezone

    from clinic import selectors
    from itband.models import OutboxMessage
    from outcomes.services import checkins_send_due

    call_command("seed_demo")
    today = timezone.localdate()
    period = selectors.period_for(start=today - timedelta(days=150), end=today)
    funnel = selectors.funnel(period)
    assert funnel["result"] > 40 and funnel["attended"] > 20 and funnel["six_weeks"] > 5
    assert selectors.desk_funnel(period)["booked"] > 5
    assert sum(n for _, n in selectors.draft_pages(period)) > 5
    assert {g["week"] for g in selectors.meaningful_change(period)} >= {6}
    assert sum(g["no_show"] for g in selectors.rates_by_clinic(period)) > 0
    assert sum(g["late_cancel"] for g in selectors.rates_by_clinic(period)) > 0
    assert selectors.lead_time(period)["count"] > 20
    assert selectors.waitlist_offers(period)["filled"] >= 2
    before = OutboxMessage.objects.count()
    assert checkins_send_due(now=timezone.now().replace(hour=15)) == 0
    assert OutboxMessage.objects.count() == before

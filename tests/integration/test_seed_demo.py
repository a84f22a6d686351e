"""seed_demo is deterministic and re-runnable."""

import pytest
from django.core import serializers
from django.core.management import call_command

from booking.models import Location
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
    assert first_counts["WaitlistEntry"] == 3
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

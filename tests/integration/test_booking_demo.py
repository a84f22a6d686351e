"""The booking demo data: realistic, non-overlapping, and the same after a second run."""

import re
from datetime import time
from itertools import pairwise

import pytest
from django.core import serializers
from django.utils import timezone

from booking.demo import seed_booking_demo, thanksgiving
from booking.models import Appointment, Clinician, Closure, TimeOff, WeeklyAvailability
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db


def snapshot() -> str:
    """Every row as serialized, except the updated_at stamps a re-save moves."""
    text = serializers.serialize(
        "json",
        [
            *Clinician.objects.order_by("pk"),
            *WeeklyAvailability.objects.order_by("pk"),
            *TimeOff.objects.order_by("pk"),
            *Closure.objects.order_by("pk"),
            *Appointment.objects.order_by("pk"),
        ],
        fields=None,
    )
    return re.sub(r'"updated_at": "[^"]*"', "", text)


@pytest.fixture
def clinics(reference_data):
    LocationFactory(name="Bethesda")
    LocationFactory(name="McLean", city="McLean", region="VA")


def test_seeding_twice_leaves_the_same_data(clinics):
    seed_booking_demo()
    first = snapshot()
    seed_booking_demo()
    assert snapshot() == first


@pytest.mark.date_sensitive
def test_demo_schedule_is_realistic(clinics):
    seed_booking_demo()
    assert Clinician.objects.count() == 4
    dana = Clinician.objects.get(user__username="clinician")
    assert dana.display_name == "Dana Cohen, PT, DPT"
    assert dana.user.groups.filter(name="Clinician").exists()
    assert set(Clinician.objects.values_list("locations__slug", flat=True)) == {
        "bethesda",
        "mclean",
    }
    saturday = WeeklyAvailability.objects.filter(weekday=5)
    assert saturday.count() == 1 and saturday.get().location.slug == "bethesda"
    assert saturday.get().start == time(8)
    this_year = timezone.localdate().year
    for year in (this_year, this_year + 1):
        assert Closure.objects.filter(reason="Thanksgiving", date=thanksgiving(year)).count() == 2
    assert Appointment.objects.filter(status="completed").exists()
    assert Appointment.objects.filter(status="booked").exists()
    for clinician in Clinician.objects.all():
        visits = list(
            Appointment.objects.holding_time().filter(clinician=clinician).order_by("start")
        )
        for before, after in pairwise(visits):
            assert before.end <= after.start

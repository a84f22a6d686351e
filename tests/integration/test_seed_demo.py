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


def test_seed_demo_twice_leaves_the_same_data(reference_data):
    call_command("seed_demo")
    first = snapshot()
    call_command("seed_demo")
    assert snapshot() == first
    assert set(User.objects.values_list("username", flat=True)) == {
        "frontdesk",
        "clinician",
        "admin",
    }
    assert Location.objects.filter(is_demo=True).count() == 2
    assert {loc.timezone for loc in Location.objects.all()} == {"America/New_York"}


def test_demo_staff_have_their_roles(reference_data, settings):
    call_command("seed_demo")
    desk = User.objects.get(username="frontdesk")
    assert list(desk.groups.values_list("name", flat=True)) == ["Front desk"]
    assert desk.check_password(settings.DEMO_PASSWORD)
    assert User.objects.get(username="admin").is_superuser

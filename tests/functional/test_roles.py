"""Roles exist after migrate, and staff land in their own workspace."""

import pytest
from django.contrib.auth.models import Group

from itband.roles import CLINICIAN, FRONT_DESK, has_role
from tests.factories import TEST_PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db


def test_groups_exist_after_migrate():
    assert set(Group.objects.values_list("name", flat=True)) >= {FRONT_DESK, CLINICIAN}


def test_has_role_follows_groups_and_superuser(front_desk_user, clinician_user):
    admin = StaffFactory(username="boss", is_superuser=True)
    assert has_role(front_desk_user, FRONT_DESK) and not has_role(front_desk_user, CLINICIAN)
    assert has_role(clinician_user, CLINICIAN) and not has_role(clinician_user, FRONT_DESK)
    assert has_role(admin, FRONT_DESK) and has_role(admin, CLINICIAN)


def test_staff_without_role_is_told_so(client, reference_data):
    StaffFactory(username="norole")
    client.post("/accounts/login/", {"username": "norole", "password": TEST_PASSWORD})
    response = client.get("/staff/")
    assert response.status_code == 403
    assert "no staff role" in response.content.decode()


def test_anonymous_staff_home_goes_to_login(client):
    response = client.get("/staff/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")

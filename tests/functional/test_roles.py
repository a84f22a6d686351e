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


def test_a_refused_look_at_health_data_is_audited(client, front_desk_user):
    """The front desk opening a clinician's intake gets 403, and the audit log says so."""
    from itband.models import AuditEvent
    from tests.factories import submitted_intake

    intake = submitted_intake()
    client.force_login(front_desk_user)
    for url in (f"/clinician/intake/{intake.pk}/", f"/clinician/intake/{intake.pk}/brief/"):
        assert client.get(url).status_code == 403
    events = AuditEvent.objects.filter(action="view_denied").order_by("id")
    assert [(e.user, e.detail) for e in events] == [
        (front_desk_user, f"GET /clinician/intake/{intake.pk}/"),
        (front_desk_user, f"GET /clinician/intake/{intake.pk}/brief/"),
    ]


def test_the_roles_come_with_the_user_in_one_query(desk_client, front_desk_user):
    """itband.roles.RolesModelBackend: a staff page pays no query of its own for the role."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert desk_client.get("/desk/week/").status_code == 200
    assert not [q for q in queries if 'FROM "auth_group"' in q["sql"]]


def test_a_role_taken_away_applies_on_the_next_request(client, front_desk_user):
    client.post("/accounts/login/", {"username": "desk1", "password": TEST_PASSWORD})
    assert client.get("/desk/week/").status_code == 200
    front_desk_user.groups.clear()
    assert client.get("/desk/week/").status_code == 403
    front_desk_user.groups.add(Group.objects.get(name=FRONT_DESK))
    assert client.get("/desk/week/").status_code == 200


def test_a_user_made_inactive_is_signed_out_on_the_next_request(desk_client, front_desk_user):
    front_desk_user.is_active = False
    front_desk_user.save()
    response = desk_client.get("/desk/week/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_group_whose_name_holds_a_line_break_grants_no_role(client, reference_data):
    """The roles read with the user are joined by line breaks (itband.roles): a group named
    "X\\nClinic lead" must not read as the Clinic lead role."""
    user = StaffFactory(username="tricky")
    user.groups.add(Group.objects.create(name="Volunteers\nFront desk"))
    client.force_login(user)
    assert client.get("/desk/week/").status_code == 403

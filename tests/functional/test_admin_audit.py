"""The clinic admin's views of health data are audited too, and intakes are not deletable."""

import pytest

from itband.models import AuditEvent, OutboxMessage
from tests.assessment_data import make_submission
from tests.factories import PatientFactory, StaffFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, reference_data):
    client.force_login(StaffFactory(username="boss", is_superuser=True, is_staff=True))
    return client


def test_admin_views_of_intakes_and_patients_are_audited(admin_client):
    intake = make_submission(first_name="Riley", email="riley@example.com")
    patient = PatientFactory()
    assert admin_client.get(f"/admin/assessments/submission/{intake.pk}/change/").status_code == 200
    assert admin_client.get(f"/admin/booking/patient/{patient.pk}/change/").status_code == 200
    actions = set(AuditEvent.objects.values_list("action", "object_id"))
    assert ("view_intake", str(intake.pk)) in actions
    assert ("view_patient", str(patient.pk)) in actions


def test_intakes_cannot_be_deleted_in_the_admin(admin_client):
    intake = make_submission()
    response = admin_client.post(
        f"/admin/assessments/submission/{intake.pk}/delete/", {"post": "yes"}
    )
    assert response.status_code == 403
    intake.refresh_from_db()


def test_outbox_admin_never_shows_private_links(admin_client):
    intake = make_submission(email="riley@example.com")
    message = OutboxMessage.objects.get(to="riley@example.com")
    assert intake.token in message.body_text
    html = admin_client.get(f"/admin/itband/outboxmessage/{message.pk}/change/").content.decode()
    assert message.subject in html
    assert intake.token not in html


def test_an_intake_reshown_with_a_form_error_is_audited(client, clinician_user):
    intake = make_submission()
    client.force_login(clinician_user)
    response = client.post(f"/clinician/intake/{intake.pk}/", {"action": "note", "body": ""})
    assert response.status_code == 400
    assert AuditEvent.objects.filter(action="view_intake", object_id=str(intake.pk)).count() == 1

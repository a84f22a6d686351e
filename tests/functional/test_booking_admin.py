"""The clinic admin's booking pages answer, and appointments stay read-mostly."""

import pytest

from tests.factories import AppointmentFactory, StaffFactory, booking_clinic

pytestmark = pytest.mark.django_db

MODELS = ("clinician", "appointmenttype", "timeoff", "closure", "patient", "appointment")


@pytest.fixture
def admin_client(client, reference_data):
    admin = StaffFactory(username="boss", is_staff=True, is_superuser=True)
    client.force_login(admin)
    return client


def test_every_booking_model_has_an_admin_page(admin_client):
    clinic = booking_clinic()
    appointment = AppointmentFactory(clinician=clinic.clinician, location=clinic.location)
    for model in MODELS:
        assert admin_client.get(f"/admin/booking/{model}/").status_code == 200, model
    assert (
        admin_client.get(f"/admin/booking/clinician/{clinic.clinician.pk}/change/").status_code
        == 200
    )
    response = admin_client.get(f"/admin/booking/appointment/{appointment.pk}/change/")
    assert response.status_code == 200
    assert appointment.manage_token not in response.content.decode()  # the secret stays hidden
    assert admin_client.get("/admin/booking/appointment/add/").status_code == 403

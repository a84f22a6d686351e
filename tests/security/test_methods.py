"""Wrong methods get 405 with an Allow header, not the CSRF check's 403 (issue #12)."""

import pytest

from .conftest import selection, slot_start

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("/assessment/", {"GET", "POST"}),  # as the view declares it
        ("/book/details/", {"GET", "HEAD", "POST"}),
        ("/accounts/login/", {"GET", "HEAD", "POST"}),
        ("/accounts/password_reset/", {"GET", "HEAD", "POST"}),
        ("/", {"GET"}),
    ],
)
def test_wrong_methods_on_public_pages_are_405(client, clinic, method, url, allowed):
    response = getattr(client, method)(url, data="x=1", content_type="text/plain")
    assert response.status_code == 405, (method, url)
    assert {m.strip() for m in response["Allow"].split(",")} == allowed


def test_a_wrong_method_changes_nothing(client, clinic):
    from booking.models import Appointment

    data = "&".join(f"{k}={v}" for k, v in selection(clinic, slot_start(clinic)).items())
    client.put("/book/details/", data=data, content_type="application/x-www-form-urlencoded")
    assert not Appointment.objects.exists()

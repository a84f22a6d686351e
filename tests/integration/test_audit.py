"""The audit log: what it records, and that nothing can rewrite it."""

import pytest
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory

from itband.audit import REDACTED, audit_record
from itband.models import AuditEvent, AuditLogAppendOnly, SitePage
from tests.factories import TEST_PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db


def staff_request(user=None, *, ip="203.0.113.7", agent="Mozilla/5.0 (test)"):
    request = RequestFactory().get("/clinician/intakes/1/", REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)
    if user is not None:
        request.user = user
    return request


def test_audit_record_writes_user_ip_agent_and_object(clinician_user):
    page = SitePage.objects.get(slug="privacy")

    event = audit_record(request=staff_request(clinician_user), action="view_intake", obj=page)

    event.refresh_from_db()
    assert event.user == clinician_user
    assert event.username == "clin1"
    assert event.action == "view_intake"
    assert (event.object_type, event.object_id) == ("itband.sitepage", str(page.pk))
    assert event.ip == "203.0.113.7"
    assert event.user_agent == "Mozilla/5.0 (test)"
    assert event.at is not None


def test_audit_record_takes_explicit_type_and_id_and_survives_a_rename(clinician_user):
    event = audit_record(
        request=staff_request(clinician_user),
        action="export",
        object_type="booking.appointment",
        object_id=42,
        detail="CSV, 3 rows",
    )
    clinician_user.username = "renamed"
    clinician_user.save()

    event.refresh_from_db()
    assert (event.object_type, event.object_id, event.detail) == (
        "booking.appointment",
        "42",
        "CSV, 3 rows",
    )
    assert event.username == "clin1"


def test_system_event_without_request_or_user():
    event = audit_record(request=None, action="export", detail="nightly")
    assert event.user is None and event.username == "" and event.ip is None


def test_detail_never_keeps_contact_details(clinician_user):
    event = audit_record(
        request=staff_request(clinician_user),
        action="notes_change",
        detail="called runner@example.com on (301) 555-0142 about 2026-03-08",
    )
    assert "runner@example.com" not in event.detail
    assert "555-0142" not in event.detail
    assert event.detail.count(REDACTED) == 2
    assert "2026-03-08" in event.detail  # dates are not phone numbers


def test_an_event_cannot_be_changed_or_deleted_through_the_orm(clinician_user):
    event = audit_record(request=staff_request(clinician_user), action="view_patient")

    event.detail = "rewritten"
    with pytest.raises(AuditLogAppendOnly):
        event.save()
    with pytest.raises(AuditLogAppendOnly):
        event.delete()
    with pytest.raises(AuditLogAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).update(detail="rewritten")
    with pytest.raises(AuditLogAppendOnly):
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(AuditLogAppendOnly):
        AuditEvent.objects.all().delete()

    event.refresh_from_db()
    assert event.detail == ""


def test_a_user_with_audit_events_cannot_be_deleted(clinician_user):
    from django.db.models import ProtectedError

    audit_record(request=staff_request(clinician_user), action="view_patient")
    with pytest.raises(ProtectedError):
        clinician_user.delete()


def test_postgres_trigger_refuses_raw_update_and_delete(requires_postgres, clinician_user):
    event = audit_record(request=staff_request(clinician_user), action="view_intake")

    for sql in (
        "UPDATE itband_auditevent SET detail = 'rewritten' WHERE id = %s",
        "DELETE FROM itband_auditevent WHERE id = %s",
    ):
        with (
            pytest.raises(DatabaseError, match="append-only"),
            transaction.atomic(),
            connection.cursor() as cursor,
        ):
            cursor.execute(sql, [event.pk])

    event.refresh_from_db()
    assert event.detail == ""


def test_login_failed_login_and_logout_are_recorded(client, clinician_user):
    client.post(
        "/accounts/login/",
        {"username": "clin1", "password": "wrong-password-123"},
        REMOTE_ADDR="198.51.100.4",
        HTTP_USER_AGENT="Firefox/140",
    )
    client.post("/accounts/login/", {"username": "clin1", "password": TEST_PASSWORD})
    client.post("/accounts/logout/")

    events = list(AuditEvent.objects.order_by("id"))
    assert [e.action for e in events] == ["login_failed", "login", "logout"]
    failed, login, logout = events
    assert failed.user == clinician_user and failed.username == "clin1"
    assert failed.ip == "198.51.100.4" and failed.user_agent == "Firefox/140"
    assert login.user == clinician_user and logout.user == clinician_user
    # Nothing typed into the form other than the username is kept.
    for event in events:
        for field in AuditEvent._meta.fields:
            value = str(getattr(event, field.attname) or "")
            assert "wrong-password-123" not in value
            assert TEST_PASSWORD not in value


def test_failed_login_for_an_unknown_username_has_no_user(client, reference_data):
    client.post("/accounts/login/", {"username": "nobody", "password": "x" * 12})
    event = AuditEvent.objects.get()
    assert (event.action, event.user, event.username) == ("login_failed", None, "nobody")


def test_admin_shows_the_log_read_only_to_superusers(client, clinician_user):
    admin = StaffFactory(username="boss", is_superuser=True, is_staff=True)
    event = audit_record(request=staff_request(clinician_user), action="view_intake")
    client.force_login(admin)

    listing = client.get("/admin/itband/auditevent/", {"q": event.object_id})
    assert listing.status_code == 200
    assert "clin1" in listing.content.decode()
    assert client.get("/admin/itband/auditevent/?action__exact=view_intake").status_code == 200
    assert client.get("/admin/itband/auditevent/add/").status_code == 403
    assert client.get(f"/admin/itband/auditevent/{event.pk}/delete/").status_code == 403
    detail = client.get(f"/admin/itband/auditevent/{event.pk}/change/")
    assert detail.status_code == 200 and 'name="_save"' not in detail.content.decode()


def test_admin_hides_the_log_from_staff_who_are_not_superusers(client, clinician_user):
    desk_admin = StaffFactory(username="deskadmin", is_staff=True)
    client.force_login(desk_admin)
    assert client.get("/admin/itband/auditevent/").status_code == 403

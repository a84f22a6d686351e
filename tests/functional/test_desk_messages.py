"""/desk/messages/: the outbox as the desk's message log, newest first, without bodies."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from itband.outbox import outbox_enqueue

pytestmark = pytest.mark.django_db

URL = "/desk/messages/"


def queue(n: int, *, start: int = 0) -> None:
    for i in range(start, start + n):
        outbox_enqueue(
            key=f"reminder:draft:{i}",
            to=f"runner{i}@example.com",
            template="test_message",
            context={"name": f"Secret body {i}"},
            topic=f"submission:{i}",
        )


def test_the_message_log_needs_a_login_and_the_front_desk_role(client, clinician_user):
    response = client.get(URL)
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    client.force_login(clinician_user)
    assert client.get(URL).status_code == 403


def test_the_log_lists_newest_first_without_bodies_and_is_in_the_nav(client, front_desk_user):
    queue(3)
    client.force_login(front_desk_user)
    response = client.get(URL)
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("no-store")
    html = response.content.decode()
    assert f'href="{URL}"' in html and 'aria-current="page"' in html
    rows = [row["to"] for row in response.context["page"].object_list]
    assert rows == ["runner2@example.com", "runner1@example.com", "runner0@example.com"]
    assert "Reminder: unfinished assessment" in html and "Pending" in html
    assert "Test message for Secret body 2" in html  # the subject
    assert "this is a test from" not in html  # never the body
    from itband.models import AuditEvent

    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_PATIENT)
    assert event.object_type == "itband.outboxmessage" and event.detail == "message log, page 1"


def test_the_log_is_paginated_with_constant_queries(client, front_desk_user):
    client.force_login(front_desk_user)
    queue(5)
    with CaptureQueriesContext(connection) as five:
        assert client.get(URL).status_code == 200
    queue(45, start=5)
    with CaptureQueriesContext(connection) as fifty:
        response = client.get(URL)
    assert len(fifty) == len(five)
    assert len(response.context["page"].object_list) == 50
    queue(1, start=50)
    page_two = client.get(URL, {"page": "2"})
    assert [row["to"] for row in page_two.context["page"].object_list] == ["runner0@example.com"]
    assert client.get(URL, {"page": "abc"}).status_code == 200

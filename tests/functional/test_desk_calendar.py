"""The desk's day and week views follow the clinic's calendar: "today" is the clinic's date
(not UTC's), the week runs Monday to Sunday around it, and every visit sits on its local day at
its local time. Swept by make test across year end, DST changes, leap days and weekends."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone

from tests.factories import AppointmentFactory, PatientFactory, booking_clinic, local_time

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.date_sensitive]

WEEK = ("Mondale", "Tuesdale", "Wednesdale", "Thursdale", "Fridale", "Saturdale", "Sundale")


@pytest.fixture
def clinic(reference_data):
    return booking_clinic()


@pytest.fixture
def desk(client, front_desk_user):
    client.force_login(front_desk_user)
    return client


def visit(clinic, day, hour: int, last_name: str):
    start = local_time(clinic.location, day, hour)
    return AppointmentFactory(
        clinician=clinic.clinician,
        location=clinic.location,
        appointment_type=clinic.types["follow-up"],
        start=start,
        end=start + timedelta(minutes=45),
        patient=PatientFactory(last_name=last_name),
    )


def test_the_day_view_opens_on_the_clinics_today(desk, clinic):
    today = timezone.localdate()
    visit(clinic, today, 7, "Earlybird")
    visit(clinic, today, 18, "Nightowl")
    visit(clinic, today - timedelta(days=1), 18, "Yesterdale")
    visit(clinic, today + timedelta(days=1), 7, "Tomorrowby")

    html = desk.get("/desk/").content.decode()

    assert "Earlybird" in html and "Nightowl" in html
    assert "Yesterdale" not in html and "Tomorrowby" not in html
    assert f"{today:%B} {today.day}" in html  # the heading names the clinic's date


def test_the_week_view_puts_each_visit_on_its_local_day_and_time(desk, clinic):
    today = timezone.localdate()
    monday = today - timedelta(days=today.weekday())
    for offset, name in enumerate(WEEK):
        visit(clinic, monday + timedelta(days=offset), 7, name)
    visit(clinic, monday - timedelta(days=1), 18, "Lastweekly")
    visit(clinic, monday + timedelta(days=7), 7, "Nextweekly")

    html = desk.get("/desk/week/").content.decode()

    assert "Lastweekly" not in html and "Nextweekly" not in html
    row = re.search(
        rf"<th scope=\"row\">{re.escape(clinic.clinician.display_name)}</th>(.*?)</tr>", html, re.S
    )
    assert row, "no row for the clinician"
    cells = re.findall(r"<td>(.*?)</td>", row.group(1), re.S)
    assert len(cells) == 7
    for offset, name in enumerate(WEEK):
        assert "7:00 AM</span>" in cells[offset] and f" {name} " in cells[offset], (offset, name)

"""The .ics file: stable UID, local times with a VTIMEZONE, REQUEST vs CANCEL (no database)."""

import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar

from booking.calendar import appointment_ics, appointment_uid
from booking.models import Appointment, AppointmentType, Clinician, Location, Patient

NEW_YORK = ZoneInfo("America/New_York")


def appointment(**overrides) -> Appointment:
    location = Location(
        name="Bethesda",
        slug="bethesda",
        street="4800 Demo Avenue",
        city="Bethesda",
        region="MD",
        postal_code="20814",
        phone="(301) 555-0142",
        timezone="America/New_York",
    )
    values = {
        "pk": 7,
        "uid": uuid.UUID("12345678-1234-5678-1234-567812345678"),
        "manage_token": "secret-token",
        "location": location,
        "clinician": Clinician(display_name="Dana Cohen, PT, DPT"),
        "appointment_type": AppointmentType(
            slug="initial-evaluation", name="Initial running evaluation", duration_minutes=60
        ),
        "patient": Patient(
            first_name="Riley", last_name="Runner", email="riley@example.com", phone="1"
        ),
        "start": datetime(2026, 12, 1, 9, tzinfo=NEW_YORK),
        "end": datetime(2026, 12, 1, 10, tzinfo=NEW_YORK),
        "sequence": 0,
        "status": Appointment.Status.BOOKED,
    }
    values.update(overrides)
    return Appointment(**values)


def parse(text: str):
    calendar = Calendar.from_ical(text)
    return calendar, next(iter(calendar.walk("VEVENT")))


def test_a_booking_is_a_request_in_the_clinics_time_zone():
    text = appointment_ics(appointment())
    calendar, event = parse(text)
    assert calendar["METHOD"] == "REQUEST"
    assert (
        str(event["UID"]) == "appointment-12345678-1234-5678-1234-567812345678@cohenhealth.example"
    )
    assert event["SEQUENCE"] == 0
    assert "DTSTART;TZID=America/New_York:20261201T090000" in text
    assert "DTEND;TZID=America/New_York:20261201T100000" in text
    assert len(calendar.walk("VTIMEZONE")) == 1
    assert event.decoded("DTSTART") == datetime(2026, 12, 1, 9, tzinfo=NEW_YORK)
    assert "4800 Demo Avenue, Bethesda, MD 20814" in str(event["LOCATION"])
    assert str(event["SUMMARY"]) == "Initial running evaluation with Dana Cohen, PT, DPT"
    description = str(event["DESCRIPTION"])
    assert "running shoes" in description and "shorts" in description
    assert "/book/manage/secret-token/" in description
    assert str(event["STATUS"]) == "CONFIRMED"


def test_the_uid_does_not_reveal_the_manage_token():
    item = appointment()
    assert "secret-token" not in appointment_uid(item)


def test_a_reschedule_keeps_the_uid_and_raises_the_sequence():
    first = appointment_ics(appointment())
    moved = appointment_ics(
        appointment(
            start=datetime(2026, 12, 2, 14, tzinfo=NEW_YORK),
            end=datetime(2026, 12, 2, 15, tzinfo=NEW_YORK),
            sequence=1,
        )
    )
    _, before = parse(first)
    calendar, after = parse(moved)
    assert before["UID"] == after["UID"]
    assert after["SEQUENCE"] == 1
    assert calendar["METHOD"] == "REQUEST"
    assert "DTSTART;TZID=America/New_York:20261202T140000" in moved


def test_a_cancellation_is_a_cancel():
    text = appointment_ics(appointment(status=Appointment.Status.CANCELLED_PATIENT, sequence=2))
    calendar, event = parse(text)
    assert calendar["METHOD"] == "CANCEL"
    assert str(event["STATUS"]) == "CANCELLED"
    assert event["SEQUENCE"] == 2


def test_summer_time_uses_the_daylight_offset():
    summer = appointment(
        start=datetime(2027, 7, 1, 8, tzinfo=NEW_YORK),
        end=datetime(2027, 7, 1, 8, tzinfo=NEW_YORK) + timedelta(hours=1),
    )
    _, event = parse(appointment_ics(summer))
    assert event.decoded("DTSTART").utcoffset() == timedelta(hours=-4)
    assert event.decoded("DTSTART").date() == date(2027, 7, 1)

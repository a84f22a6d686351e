"""iCalendar (.ics) files for appointments: one stable UID, a SEQUENCE bumped on each change."""

from datetime import datetime
from email.utils import parseaddr

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import timezone
from icalendar import Calendar, Event, vCalAddress, vText

from .models import Appointment

PRODID = "-//Cohen Health and Performance//Appointments//EN"
UID_DOMAIN = "cohenhealth.example"

REQUEST = "REQUEST"
CANCEL = "CANCEL"


def appointment_uid(appointment: Appointment) -> str:
    """Stable for the appointment's life, and unrelated to its secret manage token."""
    return f"appointment-{appointment.uid}@{UID_DOMAIN}"


def calendar_filename(appointment: Appointment) -> str:
    return f"cohen-health-appointment-{appointment.local_start:%Y-%m-%d}.ics"


def appointment_ics(appointment: Appointment, *, now: datetime | None = None) -> str:
    """The calendar file for the appointment as it is now: a REQUEST, or a CANCEL once cancelled."""
    now = now or timezone.now()
    method = CANCEL if appointment.is_cancelled else REQUEST
    zone = appointment.location.zone
    location = appointment.location

    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", method)

    event = Event()
    event.add("uid", appointment_uid(appointment))
    event.add("sequence", appointment.sequence)
    event.add("dtstamp", now)
    event.add("dtstart", appointment.start.astimezone(zone))
    event.add("dtend", appointment.end.astimezone(zone))
    event.add(
        "summary",
        f"{appointment.appointment_type.name} with {appointment.clinician.display_name}",
    )
    event.add("location", f"{settings.CLINIC_NAME}, {location.address}")
    event.add(
        "description",
        render_to_string("booking/calendar_description.txt", {"appointment": appointment}).strip(),
    )
    event.add("url", appointment.manage_url)
    event.add("status", "CANCELLED" if method == CANCEL else "CONFIRMED")
    event.add("transp", "OPAQUE")

    _, from_address = parseaddr(settings.DEFAULT_FROM_EMAIL)
    organizer = vCalAddress(f"mailto:{from_address}")
    organizer.params["cn"] = vText(settings.CLINIC_NAME)
    event.add("organizer", organizer)
    attendee = vCalAddress(f"mailto:{appointment.patient.email}")
    attendee.params["cn"] = vText(appointment.patient.full_name)
    attendee.params["role"] = vText("REQ-PARTICIPANT")
    attendee.params["partstat"] = vText("ACCEPTED")
    attendee.params["rsvp"] = vText("FALSE")
    event.add("attendee", attendee)

    calendar.add_component(event)
    calendar.add_missing_timezones()  # a VTIMEZONE for the location's zone
    return calendar.to_ical().decode()

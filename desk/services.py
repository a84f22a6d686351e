"""The front desk's writes: corrections to a patient's contact details, weekly hours, time off
and closures (the reads for its pages are in desk/selectors.py).

Writes are keyword-only, run in one transaction and raise ``BookingError`` (or a subclass)
with a message the view shows.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, time

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from assessments.models import Submission
from assessments.services import submission_start
from booking.models import (
    Appointment,
    Clinician,
    Closure,
    Location,
    Patient,
    TimeOff,
    WeeklyAvailability,
)
from booking.services import BookingError, PatientDetails, weekly_hours_add
from itband.datefmt import short_datetime
from itband.outbox import outbox_enqueue

# The record's contact fields the desk corrects (a guardian's consent is given at a booking).
CONTACT_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "date_of_birth",
    "guardian_name",
    "guardian_phone",
    "guardian_email",
)


@transaction.atomic
def patient_update_contact(*, patient: Patient, details: PatientDetails) -> list[str]:
    """Save the desk's corrections; returns the names of the fields that changed."""
    locked = Patient.objects.select_for_update().get(pk=patient.pk)
    changed = []
    for name in CONTACT_FIELDS:
        value = getattr(details, name)
        value = value.strip() if isinstance(value, str) else value
        if getattr(locked, name) != value:
            setattr(locked, name, value)
            changed.append(name)
    if changed:
        locked.save(update_fields=[*changed, "updated_at"])
    return changed


# --- Schedules: writes ------------------------------------------------------------------------
class TimeOffInvalid(BookingError):
    message = "Time off must end after it starts."


class ClosureExists(BookingError):
    message = "The clinic is already closed on that day."


@transaction.atomic
def weekly_block_add(
    *, clinician: Clinician, location: Location, weekday: int, start: time, end: time
) -> WeeklyAvailability:
    """Add a working block (HoursOverlap when it overlaps the clinician's hours that day at
    either clinic). Hours at a clinic list the clinician there for "choose a clinician" too."""
    block = weekly_hours_add(
        clinician=clinician, location=location, weekday=weekday, start=start, end=end
    )
    clinician.locations.add(location)
    return block


@transaction.atomic
def weekly_block_remove(*, block: WeeklyAvailability) -> None:
    block.delete()


@transaction.atomic
def time_off_add(
    *, clinician: Clinician, start: datetime, end: datetime, reason: str = ""
) -> TimeOff:
    if start.utcoffset() is None or end.utcoffset() is None:
        raise TimeOffInvalid("Time off needs times with a time zone.")
    if end <= start:
        raise TimeOffInvalid
    return TimeOff.objects.create(
        clinician=clinician, start=start, end=end, reason=reason.strip()[:200]
    )


@transaction.atomic
def time_off_remove(*, time_off: TimeOff) -> None:
    time_off.delete()


@transaction.atomic
def closure_add(*, locations: Sequence[Location], day: date, reason: str = "") -> list[Closure]:
    """Close one or both clinics for a day; clinics already closed that day are skipped.
    Raises ClosureExists when every one of them already was."""
    existing = set(
        Closure.objects.filter(location__in=locations, date=day).values_list(
            "location_id", flat=True
        )
    )
    created = []
    for location in locations:
        if location.pk in existing:
            continue
        try:
            with transaction.atomic():
                created.append(
                    Closure.objects.create(location=location, date=day, reason=reason.strip()[:200])
                )
        except IntegrityError:  # added by someone else a moment ago
            continue
    if not created:
        raise ClosureExists
    return created


@transaction.atomic
def closure_remove(*, closure: Closure) -> None:
    closure.delete()


class IntakeAlreadySubmitted(BookingError):
    message = "This visit already has a submitted intake."


@transaction.atomic
def intake_link_send(*, appointment: Appointment) -> Submission:
    """Email the patient the self-assessment, tied to this visit: a new draft (named as the
    patient, so it stays theirs) is linked to the appointment, and its private link goes to the
    patient's address on file only (the visit's message log shows it). Sending again resends
    the same draft's link."""
    locked = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("patient", "clinician", "submission")
        .get(pk=appointment.pk)
    )
    submission = locked.submission
    if submission is not None and submission.is_submitted:
        raise IntakeAlreadySubmitted
    patient = locked.patient
    if submission is None:
        submission = submission_start(email=patient.email)
        submission.first_name, submission.last_name = patient.first_name, patient.last_name
        submission.date_of_birth = patient.date_of_birth
        submission.save(update_fields=["first_name", "last_name", "date_of_birth", "updated_at"])
        locked.submission = submission
        locked.save(update_fields=["submission", "updated_at"])
    minute = timezone.now().strftime("%Y%m%d%H%M")
    outbox_enqueue(
        key=f"appointment:{locked.pk}:intake-link:{submission.pk}:{minute}",
        to=patient.email,
        template="booking_intake_link",
        context={
            "first_name": patient.first_name,
            "link": settings.SITE_URL + reverse("assessments:resume", args=[submission.token]),
            "when": short_datetime(locked.start),
            "clinician": locked.clinician.display_name,
        },
        topic=f"appointment:{locked.pk}",
    )
    return submission

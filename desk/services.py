"""The front desk's patients and schedules: reads for its pages and the workflows behind them.

Writes are keyword-only, run in one transaction and raise ``BookingError`` (or a subclass)
with a message the view shows. Reads cost a fixed number of queries whatever the data size.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Min, Q, QuerySet
from django.utils import timezone

from assessments.models import Submission
from booking.models import (
    Appointment,
    Clinician,
    Closure,
    Location,
    Patient,
    TimeOff,
    Weekday,
    WeeklyAvailability,
    same_runner,
)
from booking.services import BookingError, PatientDetails, weekly_hours_add

# Summary columns of an intake: the desk never loads the answers, scores or notes.
INTAKE_SUMMARY_FIELDS = (
    "pk",
    "submitted_at",
    "primary_driver",
    "questionnaire_version",  # the driver label reads it (assessments.models.driver_label)
    "highest_flag",
    "reviewed_at",
    "closed_at",
    "first_name",
    "last_name",
    "email",
    "date_of_birth",
)


def clinic_zone() -> ZoneInfo:
    """Both clinics keep New York time (settings.TIME_ZONE); time off is per clinician."""
    return ZoneInfo(settings.TIME_ZONE)


# --- Patients --------------------------------------------------------------------------------
def patients_matching(query: str) -> QuerySet[Patient]:
    """The patient search (``Patient.objects.matching``; everyone for an empty query), with
    the count of visits and the next. One query."""
    patients = Patient.objects.matching(query) if (query or "").strip() else Patient.objects.all()
    return patients.annotate(
        visit_count=Count("appointments", distinct=True),
        next_visit=Min(
            "appointments__start",
            filter=Q(
                appointments__status=Appointment.Status.BOOKED,
                appointments__start__gte=timezone.now(),
            ),
        ),
    ).order_by("last_name", "first_name", "pk")


def patient_appointments(patient: Patient) -> list[Appointment]:
    """Newest first, with what the page shows joined in (one query)."""
    return list(
        patient.appointments.select_related("location", "clinician", "appointment_type").order_by(
            "-start", "-pk"
        )
    )


def patient_intakes(patient: Patient, appointments: Iterable[Appointment]) -> list[Submission]:
    """The patient's submitted intakes, newest first: those linked to their appointments, and
    those with the same email whose first name, last name and date of birth match too (never
    by email alone). One query; only summary columns are loaded."""
    linked = {a.submission_id for a in appointments if a.submission_id}
    candidates = (
        Submission.objects.submitted()
        .filter(
            Q(pk__in=linked)
            | Q(email__iexact=patient.email.strip(), date_of_birth=patient.date_of_birth)
        )
        .only(*INTAKE_SUMMARY_FIELDS)
        .order_by("-submitted_at", "-pk")
    )
    return [intake for intake in candidates if intake.pk in linked or same_runner(intake, patient)]


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


# --- Schedules: reads -------------------------------------------------------------------------
@dataclass(frozen=True)
class ClinicianWeek:
    clinician: Clinician
    days: tuple[tuple[WeeklyAvailability, ...], ...]  # Monday … Sunday

    @property
    def has_hours(self) -> bool:
        return any(self.days)


def weekly_grid() -> list[ClinicianWeek]:
    """Active clinicians, each with their blocks per weekday at every clinic (two queries)."""
    clinicians = list(Clinician.objects.active().order_by("display_name", "pk"))
    blocks: dict[int, list[list[WeeklyAvailability]]] = {
        c.pk: [[] for _ in Weekday] for c in clinicians
    }
    for block in (
        WeeklyAvailability.objects.filter(clinician__in=clinicians)
        .select_related("location")
        .order_by("weekday", "start", "location__name")
    ):
        blocks[block.clinician_id][block.weekday].append(block)
    return [
        ClinicianWeek(clinician=c, days=tuple(tuple(day) for day in blocks[c.pk]))
        for c in clinicians
    ]


def clinician_blocks(clinician: Clinician) -> list[WeeklyAvailability]:
    return list(
        clinician.weekly_hours.select_related("location").order_by(
            "weekday", "start", "location__name"
        )
    )


def upcoming_time_off(*, clinician: Clinician | None = None, now: datetime | None = None):
    """Time off not yet over, soonest first."""
    now = now or timezone.now()
    time_off = TimeOff.objects.filter(end__gt=now).select_related("clinician")
    if clinician is not None:
        time_off = time_off.filter(clinician=clinician)
    else:
        time_off = time_off.filter(clinician__is_active=True, clinician__user__is_active=True)
    return time_off.order_by("start", "pk")


def upcoming_closures(*, today: date | None = None):
    today = today or timezone.localdate(timezone=clinic_zone())
    return (
        Closure.objects.filter(date__gte=today)
        .select_related("location")
        .order_by("date", "location__name")
    )


def booked_between(*, clinician: Clinician, start: datetime, end: datetime) -> int:
    """Booked visits of a clinician inside a period (time off does not cancel them)."""
    return (
        Appointment.objects.filter(
            clinician=clinician,
            status__in=(Appointment.Status.BOOKED, Appointment.Status.CHECKED_IN),
        )
        .overlapping(start, end)
        .count()
    )


def booked_on(*, locations: Sequence[Location], day: date) -> int:
    """Booked visits at these clinics on a local day (a closure does not cancel them)."""
    zone = clinic_zone()
    start = datetime.combine(day, time(), tzinfo=zone)
    end = datetime.combine(day + timedelta(days=1), time(), tzinfo=zone)
    return (
        Appointment.objects.filter(
            location__in=locations,
            status__in=(Appointment.Status.BOOKED, Appointment.Status.CHECKED_IN),
        )
        .overlapping(start, end)
        .count()
    )


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

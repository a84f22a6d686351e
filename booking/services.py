"""Booking workflows: availability, book, cancel, reschedule, reminders.

One function per use case, keyword-only and typed. Writes run in one transaction with the
emails they cause (Outbox rows), and raise the domain errors below, which views turn into
messages. Slot arithmetic lives in the pure ``booking.slots``; this module feeds it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal

from django.conf import settings
from django.db import DatabaseError, IntegrityError, OperationalError, connection, transaction
from django.db.models import Min
from django.utils import timezone

from assessments.models import Submission
from itband import contact
from itband.datefmt import short_datetime
from itband.outbox import Attachment, outbox_enqueue

from . import rules, schedule_cache
from .calendar import appointment_ics, calendar_filename
from .models import (
    Appointment,
    AppointmentEvent,
    AppointmentType,
    Clinician,
    Location,
    Patient,
    WaitlistOffer,
    WeeklyAvailability,
    age_on,
)
from .selectors import SlotOption, available_slots

ADULT_AGE = 18


# --- Domain errors ---------------------------------------------------------------------------
class BookingError(Exception):
    message = "This booking could not be made."

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)
        self.message = message or self.message


class SlotUnavailable(BookingError):
    message = "That time is not available. Please choose another time."


class SlotTaken(SlotUnavailable):
    message = "That time was just taken. Please choose another time."


class BookingBlocked(BookingError):
    """An emergency or urgent flag of this runner (booking.rules) stops the booking."""

    message = "We need to speak with you before this visit can be booked or moved online."

    def __init__(self, block: rules.BookingBlock):
        super().__init__(self.message)
        self.block = block


class GuardianRequired(BookingError):
    message = "A runner under 18 needs a parent or guardian's name, contact and consent."


class CutoffPassed(BookingError):
    message = "It is too close to the visit to change it online. Please call the clinic."


class AppointmentNotActive(BookingError):
    message = "This appointment can no longer be changed."


class AlreadyBooked(BookingError):
    """This runner already has a visit at that time (a back button, a second tab)."""

    message = "You already have a visit booked at that time."

    def __init__(self, appointment=None):
        super().__init__(self.message)
        self.appointment = appointment


class HoursOverlap(BookingError):
    message = "These hours overlap another block of the same clinician on that day."


# --- Plain data in and out -------------------------------------------------------------------
@dataclass(frozen=True)
class PatientDetails:
    first_name: str
    last_name: str
    email: str
    phone: str
    date_of_birth: date
    guardian_name: str = ""
    guardian_phone: str = ""
    guardian_email: str = ""
    guardian_consent: bool = False

    @property
    def guardian_complete(self) -> bool:
        return not contact.guardian_gaps(
            name=self.guardian_name,
            phone=self.guardian_phone,
            email=self.guardian_email,
            consent=self.guardian_consent,
        )


def _find_option(
    *,
    location: Location,
    appointment_type: AppointmentType,
    clinician: Clinician | None,
    start: datetime,
    now: datetime,
    min_notice: timedelta | None,
    exclude_appointment: Appointment | None = None,
    prefer: Clinician | None = None,
    exclude_hold: WaitlistOffer | None = None,
) -> SlotOption:
    """Re-validate a chosen time on the server: SlotTaken if an appointment holds it."""
    day = start.astimezone(location.zone).date()
    common = {
        "location": location,
        "appointment_type": appointment_type,
        "clinician": clinician,
        "start_date": day,
        "end_date": day,
        "now": now,
        "min_notice": min_notice,
        "exclude_appointment": exclude_appointment,
        "prefer": prefer,
        "exclude_hold": exclude_hold,
    }
    wanted = start.astimezone(UTC)
    for option in available_slots(**common):
        if option.start.astimezone(UTC) == wanted:
            return option
    retry = available_slots(**common, ignore_appointments=True)
    if any(option.start.astimezone(UTC) == wanted for option in retry):
        raise SlotTaken
    raise SlotUnavailable


# --- Emails ----------------------------------------------------------------------------------
EmailKind = Literal["confirmation", "reschedule", "cancellation", "reminder"]


def _enqueue_email(appointment: Appointment, kind: EmailKind) -> None:
    """Queue the email in the caller's transaction; the key makes it once per change."""
    patient = appointment.patient
    context = {
        "appointment": appointment,
        "patient": patient,
        "location": appointment.location,
        "clinician": appointment.clinician,
        "appointment_type": appointment.appointment_type,
        "tz": appointment.location.timezone,
        "manage_url": appointment.manage_url,
    }
    attachment = Attachment(
        calendar_filename(appointment), appointment_ics(appointment), "text/calendar"
    )
    key = f"appointment:{appointment.pk}:{kind}:{appointment.sequence}"
    recipients = [("", patient.email)]
    if patient.guardian_email and patient.guardian_email.lower() != patient.email.lower():
        recipients.append((":guardian", patient.guardian_email))
    for suffix, address in recipients:
        outbox_enqueue(
            key=key + suffix,
            to=address,
            template=f"booking_{kind}",
            context=context,
            topic=f"appointment:{appointment.pk}",
            attachments=(attachment,),
        )


def _record(
    appointment: Appointment,
    *,
    kind: str,
    from_status: str,
    actor,
    detail: str = "",
) -> None:
    """Every change to an appointment passes here: its history row, and the linked intake's
    next visit (the clinicians' review queue sorts on it)."""
    AppointmentEvent.objects.create(
        appointment=appointment,
        kind=kind,
        from_status=from_status,
        to_status=appointment.status,
        actor=actor,
        detail=detail[:300],
    )
    if appointment.submission_id:
        submission_refresh_next_visit(submission_id=appointment.submission_id)


# --- Writes ----------------------------------------------------------------------------------
def _lost_slot_race(exc: DatabaseError) -> bool:
    """The exclusion constraint refused the time, or PostgreSQL aborted this write to break a
    deadlock with a rival writing the same time (SQLSTATE 40P01: both found the other's row
    in the constraint check). Either way another booking has it: "just taken", never a 503."""
    return isinstance(exc, IntegrityError) or getattr(exc.__cause__, "pgcode", None) == "40P01"


def _lock_identity(email: str, details: PatientDetails) -> None:
    """Serialise concurrent first bookings of one runner (two tabs, two visits booked at once)
    until the transaction ends, so their record is created once. PostgreSQL: an advisory lock
    on a hash of who they are; SQLite runs one write transaction at a time anyway."""
    if connection.vendor != "postgresql":
        return
    identity = "\n".join(
        (
            email.lower(),
            details.date_of_birth.isoformat(),
            details.first_name.strip().lower(),
            details.last_name.strip().lower(),
        )
    )
    digest = hashlib.blake2b(identity.encode(), digest_size=8).digest()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s)", [int.from_bytes(digest, "big", signed=True)]
        )


def _patient_for(details: PatientDetails, *, now: datetime, update_contact: bool) -> Patient:
    """The same runner (``booking.models.same_runner``: email, date of birth, first and last
    name, as the desk matches intakes). Twins booked by one parent's email stay two patients, and a booking never
    renames someone else's record. An existing record's phone and guardian are refreshed only
    when ``update_contact`` (the desk, deliberately): the public form is answered by whoever
    knows those four details, and a guardian's address receives every manage link."""
    email = details.email.strip()
    _lock_identity(email, details)
    patient = Patient.objects.same_runner_as(details).first()
    if patient is None:
        patient = Patient(
            email=email,
            date_of_birth=details.date_of_birth,
            first_name=details.first_name.strip(),
            last_name=details.last_name.strip(),
        )
    elif not update_contact:
        return patient
    patient.phone = details.phone.strip()
    if details.guardian_complete:
        patient.guardian_name = details.guardian_name.strip()
        patient.guardian_phone = details.guardian_phone.strip()
        patient.guardian_email = details.guardian_email.strip()
        patient.guardian_consent_at = now
    patient.save()
    return patient


@transaction.atomic
def appointment_book(
    *,
    start: datetime,
    appointment_type: AppointmentType,
    location: Location,
    clinician: Clinician | None,
    patient: PatientDetails,
    submission: Submission | None = None,
    booked_by=None,
    source: str = Appointment.Source.PUBLIC,
    booking_key: str | None = None,
    now: datetime | None = None,
    min_notice: timedelta | None = None,
    update_contact: bool = False,
    override_reason: str = "",
    desk_note: str = "",
    hold: WaitlistOffer | None = None,
) -> Appointment:
    """Book a time, re-validated here inside the transaction, and queue the confirmation.

    ``override_reason``: the desk (``source=DESK``, ``booked_by``) books past red flags that
    match the runner by identity only (``rules.desk_may_override``), saying why; it is kept
    on the visit's history. The runner's own flag still needs a clinician.

    Raises BookingBlocked (an emergency or urgent flag of this intake or runner: booking.rules),
    GuardianRequired (under 18 on the day of the visit), SlotUnavailable, SlotTaken (someone
    else has it), or AlreadyBooked (this runner holds an overlapping visit: never show it to
    the caller, see ``appointment_send_existing_link``). ``update_contact``: see ``_patient_for``.
    ``hold``: the waitlist offer being claimed (booking.waitlist): its own hold is not busy.
    """
    now = now or timezone.now()
    if start.utcoffset() is None:
        raise SlotUnavailable
    block = rules.booking_block_for(
        intake=submission,
        email=patient.email,
        last_name=patient.last_name,
        date_of_birth=patient.date_of_birth,
        now=now,
    )
    override_reason = override_reason.strip()
    overridden = (
        block is not None
        and bool(override_reason)
        and source == Appointment.Source.DESK
        and booked_by is not None
        and rules.desk_may_override(
            email=patient.email,
            first_name=patient.first_name,
            last_name=patient.last_name,
            date_of_birth=patient.date_of_birth,
            submission=submission,
            now=now,
        )
    )
    if block is not None and not overridden:
        raise BookingBlocked(block)
    if not (location.is_active and appointment_type.is_active):
        raise SlotUnavailable
    if source == Appointment.Source.PUBLIC and not appointment_type.is_public:
        raise SlotUnavailable
    visit_day = start.astimezone(location.zone).date()
    if age_on(patient.date_of_birth, visit_day) < ADULT_AGE and not patient.guardian_complete:
        raise GuardianRequired

    option = _find_option(
        location=location,
        appointment_type=appointment_type,
        clinician=clinician,
        start=start,
        now=now,
        min_notice=min_notice,
        exclude_hold=hold,
    )
    record = _patient_for(patient, now=now, update_contact=update_contact)
    clash = record.appointments.holding_time().overlapping(option.start, option.end).first()
    if clash is not None:
        raise AlreadyBooked(clash)
    try:
        with transaction.atomic():
            appointment = Appointment.objects.create(
                patient=record,
                clinician=option.clinician,
                location=location,
                appointment_type=appointment_type,
                start=option.start,
                end=option.end,
                submission=submission,
                booked_by=booked_by,
                source=source,
                booking_key=booking_key or None,
                desk_note=desk_note[:500],
                status_changed_at=now,
                status_changed_by=booked_by,
                # Booked inside the reminder window: the confirmation is the reminder.
                reminder_sent_at=now if _inside_reminder_window(option.start, now) else None,
            )
    except (IntegrityError, OperationalError) as exc:
        if not _lost_slot_race(exc):
            raise
        # PostgreSQL's exclusion constraint: a concurrent booking got there first.
        raise SlotTaken from exc
    detail = f"past an identity-only red flag: {override_reason}" if overridden else ""
    _record(
        appointment,
        kind=AppointmentEvent.Kind.BOOKED,
        from_status="",
        actor=booked_by,
        detail=detail,
    )
    _enqueue_email(appointment, "confirmation")
    return appointment


# --- The link to an existing visit, to the address on file (issue #12) ------------------------
@transaction.atomic
def appointment_send_existing_link(
    *, appointment: Appointment, now: datetime | None = None
) -> None:
    """The public form matched a visit the runner already holds: its manage link goes to the
    email on file, never to the screen (whoever filled the form may only know the details).
    Once per visit per hour, so the form cannot be turned into an email bomb."""
    now = now or timezone.now()
    patient = appointment.patient
    outbox_enqueue(
        key=f"appointment:{appointment.pk}:existing-link:{now:%Y%m%d%H}",
        to=patient.email,
        template="booking_existing_link",
        context={
            "appointment": appointment,
            "patient": patient,
            "location": appointment.location,
            "clinician": appointment.clinician,
            "appointment_type": appointment.appointment_type,
            "tz": appointment.location.timezone,
            "manage_url": appointment.manage_url,
        },
        topic=f"appointment:{appointment.pk}",
    )


@transaction.atomic
def booking_refusal_notify(*, block: rules.BookingBlock, now: datetime | None = None) -> bool:
    """A red flag found by the details typed stopped a public booking: the "please call us"
    goes to the address on file for the flagged intake, never to the screen or to the typed
    address (whoever filled the form may only know the details). No health detail in it.
    Once per intake per hour, so the form cannot be turned into an email bomb. False when
    the intake has no address."""
    now = now or timezone.now()
    address = Submission.objects.filter(pk=block.intake_id).values_list("email", flat=True).first()
    if not address:
        return False
    outbox_enqueue(
        key=f"booking-refused:{block.intake_id}:{now:%Y%m%d%H}",
        to=address,
        template="booking_refused",
        context={"locations": list(Location.objects.filter(is_active=True).order_by("name"))},
        topic=f"submission:{block.intake_id}",
    )
    return True


# --- end existing link -----------------------------------------------------------------------


def _inside_reminder_window(start: datetime, now: datetime) -> bool:
    return start - now <= timedelta(hours=settings.BOOKING_REMINDER_HOURS_BEFORE)


def _lock(appointment: Appointment) -> Appointment:
    return (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("patient", "clinician", "location", "appointment_type")
        .get(pk=appointment.pk)
    )


CancelledBy = Literal["patient", "desk", "clinic"]


@transaction.atomic
def appointment_cancel(
    *,
    appointment: Appointment,
    by: CancelledBy,
    reason: str = "",
    actor=None,
    now: datetime | None = None,
) -> Appointment:
    """Cancel and queue the cancellation (a calendar CANCEL).

    ``by="patient"``: the runner online; inside the cut-off it raises CutoffPassed.
    ``by="desk"``: the desk records the runner's call; inside the cut-off it is a late cancel.
    ``by="clinic"``: the clinic cancels (cancelled by clinic), whatever the time.
    """
    now = now or timezone.now()
    locked = _lock(appointment)
    if locked.status != Appointment.Status.BOOKED:
        raise AppointmentNotActive
    inside_cutoff = not locked.can_cancel_online(now)
    if by == "patient":
        if inside_cutoff:
            raise CutoffPassed
        new_status = Appointment.Status.CANCELLED_PATIENT
    elif by == "desk":
        new_status = (
            Appointment.Status.LATE_CANCEL
            if inside_cutoff
            else Appointment.Status.CANCELLED_PATIENT
        )
    elif by == "clinic":
        new_status = Appointment.Status.CANCELLED_CLINIC
    else:
        raise ValueError(f"unknown canceller {by!r}")
    from_status = locked.status
    locked.status = new_status
    locked.cancellation_reason = reason.strip()[:1000]
    locked.status_changed_at = now
    locked.status_changed_by = actor
    locked.sequence += 1
    locked.save()
    _record(
        locked, kind=AppointmentEvent.Kind.STATUS, from_status=from_status, actor=actor, detail=by
    )
    _enqueue_email(locked, "cancellation")
    return locked


@transaction.atomic
def appointment_reschedule(
    *,
    appointment: Appointment,
    new_start: datetime,
    clinician: Clinician | None = None,
    actor=None,
    by: Literal["patient", "desk"] = "patient",
    now: datetime | None = None,
    min_notice: timedelta | None = None,
) -> Appointment:
    """Move a booked visit (same clinic and type; same calendar UID, SEQUENCE + 1).

    ``clinician=None`` is "first available", keeping the current clinician when free. The
    runner (``by="patient"``) is refused inside the reschedule cut-off with CutoffPassed.
    An emergency or urgent flag of the patient blocks it for the desk too (BookingBlocked)
    until a clinician clears it; cancelling stays open.
    """
    now = now or timezone.now()
    locked = _lock(appointment)
    if locked.status != Appointment.Status.BOOKED:
        raise AppointmentNotActive
    block = rules.reschedule_block_for(locked, now=now)
    if block is not None:
        raise BookingBlocked(block)
    if by == "patient" and not locked.can_reschedule_online(now):
        raise CutoffPassed
    if new_start.utcoffset() is None:
        raise SlotUnavailable
    option = _find_option(
        location=locked.location,
        appointment_type=locked.appointment_type,
        clinician=clinician,
        start=new_start,
        now=now,
        min_notice=min_notice,
        exclude_appointment=locked,
        prefer=locked.clinician,
    )
    old_start, old_clinician = locked.start, locked.clinician
    locked.start, locked.end = option.start, option.end
    locked.clinician = option.clinician
    locked.sequence += 1
    # A new time gets its own reminder, unless this very email already is one.
    locked.reminder_sent_at = now if _inside_reminder_window(option.start, now) else None
    try:
        with transaction.atomic():
            locked.save()
    except (IntegrityError, OperationalError) as exc:
        if not _lost_slot_race(exc):
            raise
        raise SlotTaken from exc
    _record(
        locked,
        kind=AppointmentEvent.Kind.RESCHEDULED,
        from_status=locked.status,
        actor=actor,
        detail=move_detail(old_start, old_clinician, option.start, option.clinician),
    )
    _enqueue_email(locked, "reschedule")
    return locked


def move_detail(old_start, old_clinician, new_start, new_clinician) -> str:
    """The history line of a move: "Wed Jun 10, 9:00 AM with Dr A → Thu Jun 11, 2:00 PM with
    Dr B" (the clinic's clock)."""
    return (
        f"{short_datetime(old_start)} with {old_clinician.display_name} → "
        f"{short_datetime(new_start)} with {new_clinician.display_name}"
    )[:300]


# The front desk's status changes (check in, complete, no-show).
STATUS_TRANSITIONS = {
    Appointment.Status.BOOKED: {Appointment.Status.CHECKED_IN, Appointment.Status.NO_SHOW},
    Appointment.Status.CHECKED_IN: {Appointment.Status.COMPLETED, Appointment.Status.NO_SHOW},
    Appointment.Status.NO_SHOW: {Appointment.Status.BOOKED},  # undo a mistaken no-show
}


@transaction.atomic
def appointment_set_status(
    *, appointment: Appointment, status: str, actor, now: datetime | None = None
) -> Appointment:
    """Check in, complete or mark a no-show; each change is recorded with who and when."""
    locked = _lock(appointment)
    if status not in STATUS_TRANSITIONS.get(locked.status, set()):
        raise AppointmentNotActive(
            f"An appointment that is {locked.get_status_display().lower()} cannot become "
            f"{Appointment.Status(status).label.lower()}."
        )
    from_status = locked.status
    locked.status = status
    locked.status_changed_at = now or timezone.now()
    locked.status_changed_by = actor
    locked.save()
    _record(locked, kind=AppointmentEvent.Kind.STATUS, from_status=from_status, actor=actor)
    return locked


# Check-in and complete are one click, with an in-page undo for this long after.
UNDO_WINDOW = timedelta(minutes=5)
UNDO_TO = {
    Appointment.Status.CHECKED_IN: Appointment.Status.BOOKED,
    Appointment.Status.COMPLETED: Appointment.Status.CHECKED_IN,
}


def can_undo_status(appointment: Appointment, *, now: datetime | None = None) -> bool:
    changed = appointment.status_changed_at
    return (
        appointment.status in UNDO_TO
        and changed is not None
        and (now or timezone.now()) - changed <= UNDO_WINDOW
    )


@transaction.atomic
def appointment_undo_status(
    *, appointment: Appointment, actor, now: datetime | None = None
) -> Appointment:
    """Take back a check-in or a completion made a moment ago (UNDO_WINDOW), recorded."""
    now = now or timezone.now()
    locked = _lock(appointment)
    if not can_undo_status(locked, now=now):
        raise AppointmentNotActive("It is too late to undo that here; ask a manager.")
    from_status = locked.status
    locked.status = UNDO_TO[locked.status]
    locked.status_changed_at = now
    locked.status_changed_by = actor
    locked.save()
    _record(
        locked,
        kind=AppointmentEvent.Kind.STATUS,
        from_status=from_status,
        actor=actor,
        detail="undone",
    )
    return locked


def reminders_send_due(*, now: datetime | None = None, batch_size: int = 50) -> int:
    """Queue the reminder of every booked visit starting within the reminder window, once.

    Rows are claimed with SELECT … FOR UPDATE SKIP LOCKED and marked in the same transaction
    as their emails, so two runs (or two workers) never remind twice.
    """
    now = now or timezone.now()
    window_end = now + timedelta(hours=settings.BOOKING_REMINDER_HOURS_BEFORE)
    total = 0
    while True:
        with transaction.atomic():
            batch = list(
                Appointment.objects.filter(
                    status=Appointment.Status.BOOKED,
                    reminder_sent_at__isnull=True,
                    start__gt=now,
                    start__lte=window_end,
                )
                .select_related("patient", "clinician", "location", "appointment_type")
                .select_for_update(skip_locked=True, of=("self",))
                .order_by("start", "pk")[:batch_size]
            )
            for appointment in batch:
                _enqueue_email(appointment, "reminder")
            Appointment.objects.filter(pk__in=[a.pk for a in batch]).update(reminder_sent_at=now)
        total += len(batch)
        if len(batch) < batch_size:
            return total


@transaction.atomic
def weekly_hours_add(
    *, clinician: Clinician, location: Location, weekday: int, start: time, end: time
) -> WeeklyAvailability:
    """Add a working block; refuses one overlapping the clinician's hours that day anywhere."""
    block = WeeklyAvailability(
        clinician=clinician, location=location, weekday=weekday, start=start, end=end
    )
    if end <= start:
        raise BookingError("The block must end after it starts.")
    # Lock the clinician's row so two concurrent adds cannot both pass the check.
    Clinician.objects.select_for_update().filter(pk=clinician.pk).first()
    if block.overlapping_blocks().exists():
        raise HoursOverlap
    block.save()
    return block


# --- An intake's next visit (the review queue sorts on it) ------------------------------------
# A visit stays "next" until two hours after its start (it may be under way or running late).
NEXT_VISIT_GRACE = timedelta(hours=2)


def submission_refresh_next_visit(*, submission_id: int, now=None) -> None:
    """Store the intake's next visit still to come (Appointment.UPCOMING_STATUSES); called
    after every change to an appointment linked to the intake."""
    since = (now or timezone.now()) - NEXT_VISIT_GRACE
    next_visit = Submission.objects.filter(
        pk=submission_id,
        appointments__status__in=Appointment.UPCOMING_STATUSES,
        appointments__start__gte=since,
    ).aggregate(next_visit=Min("appointments__start"))["next_visit"]
    Submission.objects.filter(pk=submission_id).update(next_visit_at=next_visit)


def submissions_move_past_visits(now=None, *, limit: int = 500) -> int:
    """Periodic: a visit that has passed stops being its intake's next visit."""
    now = now or timezone.now()
    stale = Submission.objects.filter(next_visit_at__lt=now - NEXT_VISIT_GRACE)
    ids = list(stale.values_list("pk", flat=True)[:limit])
    for submission_id in ids:
        submission_refresh_next_visit(submission_id=submission_id, now=now)
    if ids:  # an update() sends no signal: the queue's kept copies must be read again
        schedule_cache.records_changed()
    return len(ids)

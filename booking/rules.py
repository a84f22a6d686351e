"""Whether a booking or a reschedule may go ahead: the one rule, called by every path.

An emergency or urgent flag (SCORING.md) blocks online booking and rescheduling until a
clinician clears it after a phone triage: the flag on the intake whose token is presented, and
the flag on any intake of the same runner submitted in the last 14 days. "The same runner" is
wide on purpose (the same email in any case, or the same last name and date of birth): a
wrong match only asks someone to call the clinic; a missed one books a runner who needs a
doctor first. Cancelling is never blocked.

The booking services enforce it (``appointment_book``, ``appointment_reschedule``); the views
ask it first to choose the page, and the desk's pages to show the flag.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta

from django.db.models import Q
from django.utils import timezone

from assessments.models import Submission
from assessments.safety_hold import HOLD_FOR, held_intake_pk
from assessments.scoring import BOOKING_BLOCKING_LEVELS

from .models import Appointment, AppointmentType

RED_FLAG_WINDOW = timedelta(days=14)
assert HOLD_FOR == RED_FLAG_WINDOW  # a browser stays held exactly as long as a flag blocks


@dataclass(frozen=True)
class BookingBlock:
    """Why a booking may not go ahead. Staff pages name the flagged intake (level, date, id);
    runners never see another's."""

    level: str  # "emergency" or "urgent"
    intake_id: int
    submitted_at: datetime
    # The flagged intake is the one whose token was presented (``intake``): its holder may be
    # told why. Otherwise it was found by identity, and the runner is only asked to call.
    own: bool = False
    intake: Submission | None = None


def booking_block_for(
    *,
    intake: Submission | None = None,
    email: str = "",
    last_name: str = "",
    date_of_birth: date | None = None,
    now: datetime | None = None,
) -> BookingBlock | None:
    """The block on a booking by this intake's holder, or by someone with these details."""
    if intake is not None and _blocks(intake):
        return BookingBlock(
            intake.highest_flag, intake.pk, intake.submitted_at, own=True, intake=intake
        )
    keys = identity_keys(email=email, last_name=last_name, date_of_birth=date_of_birth)
    if intake is not None:
        keys |= identity_keys(
            email=intake.email, last_name=intake.last_name, date_of_birth=intake.date_of_birth
        )
    if not keys:
        return None
    return red_flag_index(now=now).first(keys)


def reschedule_block_for(
    appointment: Appointment, *, now: datetime | None = None
) -> BookingBlock | None:
    """The block on moving a visit: its linked intake, or a flag of the patient it is for."""
    patient = appointment.patient
    block = booking_block_for(
        intake=appointment.submission,
        email=patient.email,
        last_name=patient.last_name,
        date_of_birth=patient.date_of_birth,
        now=now,
    )
    # The manage link's holder did not necessarily present the flagged intake's token.
    return None if block is None else replace(block, own=False, intake=None)


def identity_keys(
    *, email: str = "", last_name: str = "", date_of_birth: date | None = None
) -> set[tuple]:
    """Who "the same runner" is: the same email (any case), or the same last name (any case)
    and date of birth. Empty when nothing identifies anyone."""
    keys: set[tuple] = set()
    email = (email or "").strip().casefold()
    last_name = (last_name or "").strip().casefold()
    if email:
        keys.add(("email", email))
    if last_name and date_of_birth is not None:
        keys.add(("name", last_name, date_of_birth))
    return keys


def desk_may_override(
    *,
    email: str,
    first_name: str,
    last_name: str,
    date_of_birth: date | None,
    submission: Submission | None = None,
    now: datetime | None = None,
) -> bool:
    """Whether the desk may book past the flags that match these details, with a reason: only
    when every one of them is someone else's by its own details (another email, or another
    first name or date of birth on it), i.e. the match is by identity only. A flag on the
    runner's own intake (the one attached, or one with their email and nothing contradicting
    it, as an intake stopped at once holds only the email) still needs a clinician."""
    if submission is not None and _blocks(submission):
        return False
    keys = identity_keys(email=email, last_name=last_name, date_of_birth=date_of_birth)
    if not keys:
        return False
    match = Q()
    for key in keys:
        if key[0] == "email":
            match |= Q(email__iexact=key[1])
        else:
            match |= Q(last_name__iexact=key[1], date_of_birth=key[2])
    since = (now or timezone.now()) - RED_FLAG_WINDOW
    flagged = red_flagged_intakes().filter(match, submitted_at__gte=since)
    rows = flagged.values_list("email", "first_name", "last_name", "date_of_birth")
    found = list(rows)
    return bool(found) and not any(
        _same_runner(row, email, first_name, last_name, date_of_birth) for row in found
    )


def _same_runner(row: tuple, email: str, first_name: str, last_name: str, born) -> bool:
    """The intake is this runner's own: the same email, and no name or birth date on it that
    says otherwise."""
    their_email, their_first, their_last, their_born = row

    def same(a: str, b: str) -> bool:
        return not a.strip() or a.strip().casefold() == (b or "").strip().casefold()

    return (
        their_email.strip().casefold() == (email or "").strip().casefold()
        and same(their_first, first_name)
        and same(their_last, last_name)
        and (their_born is None or their_born == born)
    )


def visits_of_same_runner(intake: Submission, *, now: datetime | None = None) -> list[Appointment]:
    """Upcoming visits of the runner behind a (flagged) intake, linked to it or not, so the
    clinician following up a red flag sees what is booked (one query)."""
    keys = identity_keys(
        email=intake.email, last_name=intake.last_name, date_of_birth=intake.date_of_birth
    )
    match = Q(submission=intake)
    for key in keys:
        if key[0] == "email":
            match |= Q(patient__email__iexact=key[1])
        else:
            match |= Q(patient__last_name__iexact=key[1], patient__date_of_birth=key[2])
    since = (now or timezone.now()) - timedelta(hours=2)
    return list(
        Appointment.objects.filter(match, status=Appointment.Status.BOOKED, end__gte=since)
        .select_related("clinician", "location", "appointment_type")
        .order_by("start", "pk")
    )


class RedFlagIndex:
    """The uncleared emergency and urgent intakes of the last 14 days, by identity: one query
    (a few rows, from the partial index submission_red_flag_idx), then a lookup per runner, so
    a page listing many visits shows the flag at a fixed cost."""

    def __init__(self, rows):
        self._by_key: dict[tuple, tuple] = {}
        # When the oldest intake leaves the window (a page kept for later changes then).
        self.changes_at = min((row[3] for row in rows), default=None)
        if self.changes_at is not None:
            self.changes_at += RED_FLAG_WINDOW
        # Most severe first, then newest: the first intake seen for a key is the one named.
        for row in sorted(rows, key=_severity):
            *_, email, last_name, born = row
            for key in identity_keys(email=email, last_name=last_name, date_of_birth=born):
                self._by_key.setdefault(key, row)

    def first(self, keys: set[tuple]) -> BookingBlock | None:
        found = [self._by_key[key] for key in keys if key in self._by_key]
        if not found:
            return None
        pk, level, _, submitted_at, *_ = min(found, key=_severity)
        return BookingBlock(level=level, intake_id=pk, submitted_at=submitted_at)

    def level_for(
        self, *, email: str = "", last_name: str = "", date_of_birth: date | None = None
    ) -> str | None:
        keys = identity_keys(email=email, last_name=last_name, date_of_birth=date_of_birth)
        block = self.first(keys)
        return block.level if block is not None else None


def _severity(row: tuple) -> tuple:
    pk, _, rank, submitted_at, *_ = row
    return (rank, -submitted_at.timestamp(), -pk)


def red_flag_index(*, now: datetime | None = None) -> RedFlagIndex:
    since = (now or timezone.now()) - RED_FLAG_WINDOW
    rows = (
        red_flagged_intakes()
        .filter(submitted_at__gte=since)
        .values_list(
            "pk", "highest_flag", "flag_rank", "submitted_at", "email", "last_name",
            "date_of_birth",
        )
    )  # fmt: skip
    return RedFlagIndex(list(rows))


def red_flagged_intakes():
    """Submitted intakes whose emergency or urgent flag no clinician has cleared (the
    partial index submission_red_flag_idx holds exactly these)."""
    return Submission.objects.submitted().filter(
        highest_flag__in=sorted(BOOKING_BLOCKING_LEVELS), flag_cleared_at__isnull=True
    )


def screen_required(appointment_type: AppointmentType | None, intake: Submission | None) -> bool:
    """A booking without a self-assessment asks the emergency and urgent signs first, unless
    it is a visit that needs no intake (a follow-up for a patient already under care)."""
    if intake is not None or appointment_type is None:
        return False
    return appointment_type.intake != AppointmentType.Intake.NONE


def _blocks(intake: Submission) -> bool:
    return (
        intake.is_submitted
        and intake.highest_flag in BOOKING_BLOCKING_LEVELS
        and intake.flag_cleared_at is None
    )


def hold_block(request) -> BookingBlock | None:
    """The block of the flagged intake this browser stopped at, while it still blocks."""
    pk = held_intake_pk(request)
    intake = Submission.objects.filter(pk=pk).first() if pk is not None else None
    if intake is None or not _blocks(intake):
        return None
    return BookingBlock(
        intake.highest_flag, intake.pk, intake.submitted_at, own=True, intake=intake
    )

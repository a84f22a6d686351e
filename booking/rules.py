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

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.utils import timezone

from assessments.models import Submission
from assessments.scoring import BOOKING_BLOCKING_LEVELS

from .models import Appointment, AppointmentType

RED_FLAG_WINDOW = timedelta(days=14)


@dataclass(frozen=True)
class BookingBlock:
    """Why a booking may not go ahead online."""

    level: str  # "emergency" or "urgent"
    intake: Submission  # the flagged intake (staff pages name it; runners never see another's)
    # The flagged intake is the one whose token was presented: its holder may be told why.
    # Otherwise it was found by identity, and the runner is only asked to call.
    own: bool


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
        return BookingBlock(level=intake.highest_flag, intake=intake, own=True)
    keys = identity_keys(email=email, last_name=last_name, date_of_birth=date_of_birth)
    if intake is not None:
        keys |= identity_keys(
            email=intake.email, last_name=intake.last_name, date_of_birth=intake.date_of_birth
        )
    if not keys:
        return None
    flagged = red_flag_index(now=now).first(keys)
    return None if flagged is None else BookingBlock(flagged.highest_flag, flagged, own=False)


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
    return None if block is None else BookingBlock(block.level, block.intake, own=False)


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


class RedFlagIndex:
    """The uncleared emergency and urgent intakes of the last 14 days, by identity: one query
    (a few rows, from the partial index submission_red_flag_idx), then a lookup per runner, so
    a page listing many visits shows the flag at a fixed cost."""

    def __init__(self, intakes: list[Submission]):
        self._by_key: dict[tuple, Submission] = {}
        # Most severe first, then newest: the first intake seen for a key is the one named.
        for intake in sorted(intakes, key=lambda i: (i.flag_rank, -i.submitted_at.timestamp())):
            keys = identity_keys(
                email=intake.email, last_name=intake.last_name, date_of_birth=intake.date_of_birth
            )
            for key in keys:
                self._by_key.setdefault(key, intake)

    def first(self, keys: set[tuple]) -> Submission | None:
        found = [self._by_key[key] for key in keys if key in self._by_key]
        return min(found, key=lambda i: (i.flag_rank, -i.submitted_at.timestamp()), default=None)

    def level_for(
        self, *, email: str = "", last_name: str = "", date_of_birth: date | None = None
    ) -> str | None:
        keys = identity_keys(email=email, last_name=last_name, date_of_birth=date_of_birth)
        intake = self.first(keys)
        return intake.highest_flag if intake is not None else None


def red_flag_index(*, now: datetime | None = None) -> RedFlagIndex:
    since = (now or timezone.now()) - RED_FLAG_WINDOW
    return RedFlagIndex(
        list(
            red_flagged_intakes()
            .filter(submitted_at__gte=since)
            .only(
                "pk",
                "highest_flag",
                "flag_rank",
                "submitted_at",
                "email",
                "last_name",
                "date_of_birth",
                "flag_cleared_at",
            )
        )
    )


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

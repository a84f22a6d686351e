"""Reads: the bookable times (availability, nearby slots, the next openings) from the slot
engine (booking/slots.py) and this process's schedule copies. Writes, which re-check a time
against the database, are in booking/services.py."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from itband import datefmt

from . import directory, schedule_cache
from .models import (
    Appointment,
    AppointmentType,
    Clinician,
    Closure,
    Location,
    TimeOff,
    WaitlistOffer,
    WeeklyAvailability,
)
from .slots import (
    Interval,
    Slot,
    SlotRules,
    TakenTime,
    WeeklyHours,
    first_available,
    free_days,
    free_slots,
)


@dataclass(frozen=True)
class SlotOption:
    """A bookable time and the clinicians free then (the first is whom "first available" gets)."""

    start: datetime
    end: datetime
    clinicians: tuple[Clinician, ...]

    @property
    def clinician(self) -> Clinician:
        return self.clinicians[0]


# --- Reads -----------------------------------------------------------------------------------
def slot_rules(
    appointment_type: AppointmentType, *, min_notice: timedelta | None = None
) -> SlotRules:
    return SlotRules(
        duration=appointment_type.duration,
        buffer_before=appointment_type.buffer_before,
        buffer_after=appointment_type.buffer_after,
        step=timedelta(minutes=settings.BOOKING_SLOT_STEP_MINUTES),
        min_notice=(
            timedelta(hours=settings.BOOKING_MIN_NOTICE_HOURS) if min_notice is None else min_notice
        ),
        horizon=timedelta(days=settings.BOOKING_HORIZON_DAYS),
    )


def available_slots(
    *,
    location: Location,
    appointment_type: AppointmentType,
    clinician: Clinician | None = None,
    start_date: date,
    end_date: date,
    now: datetime | None = None,
    min_notice: timedelta | None = None,
    exclude_appointment: Appointment | None = None,
    prefer: Clinician | None = None,
    ignore_appointments: bool = False,
    exclude_hold: WaitlistOffer | None = None,
) -> list[SlotOption]:
    """Free times at one clinic for one type, for a clinician or "first available" (None).

    Four queries whatever the number of appointments: weekly hours, time off, closures and
    busy appointments. A clinician's appointments at the other clinic count as busy too.
    """
    availability = _availability(
        location=location,
        appointment_type=appointment_type,
        clinician=clinician,
        start_date=start_date,
        end_date=end_date,
        now=now,
        min_notice=min_notice,
        exclude_appointment=exclude_appointment,
        prefer=prefer,
        ignore_appointments=ignore_appointments,
        exclude_hold=exclude_hold,
    )
    return availability.options(start_date, end_date) if availability else []


@dataclass(frozen=True)
class DaySlots:
    """A window of days: those with at least one free time, and the free times of one."""

    days: list[date]
    day: date | None  # the day whose times are listed: the one asked for, else the first
    options: list[SlotOption]


def available_days(
    *,
    location: Location,
    appointment_type: AppointmentType,
    clinician: Clinician | None = None,
    start_date: date,
    end_date: date,
    day: date | None = None,
    now: datetime | None = None,
    min_notice: timedelta | None = None,
    exclude_appointment: Appointment | None = None,
    prefer: Clinician | None = None,
    cached: bool = False,
) -> DaySlots:
    """The days from ``start_date`` to ``end_date`` that have a free time, and all the free
    times of ``day`` (when it has any, else of the first such day), as ``available_slots``
    would find them: the same four queries, but each day's search stops at its first free
    time and the times are built for one day only.

    ``cached``: for a page that only shows the times, the rows may come from this process's
    copy of the schedule (booking.schedule_cache); booking itself re-checks the database.
    """
    availability = _availability(
        location=location,
        appointment_type=appointment_type,
        clinician=clinician,
        start_date=start_date,
        end_date=end_date,
        now=now,
        min_notice=min_notice,
        exclude_appointment=exclude_appointment,
        prefer=prefer,
        cached=cached,
    )
    if availability is None:
        return DaySlots(days=[], day=None, options=[])
    days = availability.days(start_date, end_date)
    if day not in days:
        day = days[0] if days else None
    options = availability.options(day, day) if day is not None else []
    return DaySlots(days=days, day=day, options=options)


@dataclass(frozen=True)
class _Availability:
    """Everything the slot engine needs for one clinic and type, loaded in four queries."""

    clinicians: list[Clinician]  # "first available" order: the preferred one first
    hours: dict[int, list[WeeklyHours]]
    taken: dict[int, TakenTime]  # busy and blocked time, merged once per clinician
    closed: frozenset[date]
    zone: ZoneInfo
    rules: SlotRules
    now: datetime

    def _engine_args(self, pk: int, start_date: date, end_date: date) -> dict:
        return {
            "hours": self.hours[pk],
            "tz": self.zone,
            "rules": self.rules,
            "now": self.now,
            "start_date": start_date,
            "end_date": end_date,
            "taken": self.taken[pk],
            "closed_dates": self.closed,
        }

    def options(self, start_date: date, end_date: date) -> list[SlotOption]:
        per_clinician: dict[Clinician, list[Slot]] = {
            clinician: free_slots(**self._engine_args(clinician.pk, start_date, end_date))
            for clinician in self.clinicians
        }
        return [
            SlotOption(start=slot.start, end=slot.end, clinicians=who)
            for slot, who in first_available(per_clinician)
        ]

    def days(self, start_date: date, end_date: date) -> list[date]:
        found: set[date] = set()
        for clinician in self.clinicians:
            # A day an earlier clinician has free is not searched again.
            args = self._engine_args(clinician.pk, start_date, end_date)
            found.update(free_days(**args, skip_dates=found))
        return sorted(found)


@dataclass(frozen=True)
class _ScheduleRows:
    """The four queries' rows for one clinic's clinicians over a window of days."""

    clinicians: dict[int, Clinician]  # by name
    hours: dict[int, list[WeeklyHours]]
    taken: dict[int, TakenTime]
    closed: frozenset[date]


def _availability(
    *,
    location: Location,
    appointment_type: AppointmentType,
    clinician: Clinician | None,
    start_date: date,
    end_date: date,
    now: datetime | None,
    min_notice: timedelta | None,
    exclude_appointment: Appointment | None,
    prefer: Clinician | None,
    ignore_appointments: bool = False,
    cached: bool = False,
    exclude_hold: WaitlistOffer | None = None,
) -> _Availability | None:
    """Hours, time off, closures and busy time (four queries, or this process's copy of them
    when ``cached``: for display only, see booking.schedule_cache); None when nobody works."""

    def load() -> _ScheduleRows | None:
        return _schedule_rows(
            location=location,
            clinician=clinician,
            start_date=start_date,
            end_date=end_date,
            exclude_appointment=exclude_appointment,
            ignore_appointments=ignore_appointments,
            exclude_hold=exclude_hold,
            now=now or timezone.now(),
        )

    if cached and exclude_appointment is None and exclude_hold is None and not ignore_appointments:
        key = ("availability", location.pk, getattr(clinician, "pk", None), start_date, end_date)
        rows = schedule_cache.cached(key, load)
    else:
        rows = load()
    if rows is None:
        return None
    order = sorted(rows.clinicians, key=lambda pk: (prefer is None or pk != prefer.pk,))  # stable
    return _Availability(
        clinicians=[rows.clinicians[pk] for pk in order],
        hours=rows.hours,
        taken=rows.taken,
        closed=rows.closed,
        zone=location.zone,
        rules=slot_rules(appointment_type, min_notice=min_notice),
        now=now or timezone.now(),
    )


def _schedule_rows(
    *,
    location: Location,
    clinician: Clinician | None,
    start_date: date,
    end_date: date,
    exclude_appointment: Appointment | None,
    ignore_appointments: bool,
    exclude_hold: WaitlistOffer | None = None,
    now: datetime,
) -> _ScheduleRows | None:
    """Load hours, time off, closures and busy time (four queries); None when nobody works.

    Busy time does not depend on the visit type asked for: each appointment keeps its own
    type's buffers clear."""
    zone = location.zone
    # Hours count only while the clinician is still listed at the clinic (the picker's list):
    # removing them from a clinic in the admin takes them off its schedule, hours or not.
    hours_query = WeeklyAvailability.objects.filter(
        location=location,
        clinician__locations=location,
        clinician__is_active=True,
        clinician__user__is_active=True,
    ).select_related("clinician")
    if clinician is not None:
        hours_query = hours_query.filter(clinician=clinician)
    clinicians: dict[int, Clinician] = {}
    hours: dict[int, list[WeeklyHours]] = {}
    for block in hours_query.order_by(
        "clinician__display_name", "clinician_id", "weekday", "start"
    ):
        clinicians.setdefault(block.clinician_id, block.clinician)
        hours.setdefault(block.clinician_id, []).append(
            WeeklyHours(weekday=block.weekday, start=block.start, end=block.end)
        )
    if not clinicians:
        return None
    ids = list(clinicians)
    # A day either side covers buffers and any zone offset.
    range_start = datetime.combine(start_date, time(), tzinfo=zone).astimezone(UTC) - timedelta(
        days=1
    )
    range_end = datetime.combine(end_date, time(), tzinfo=zone).astimezone(UTC) + timedelta(days=2)

    blocked: dict[int, list[Interval]] = {pk: [] for pk in ids}
    for clinician_id, start, end in TimeOff.objects.filter(
        clinician_id__in=ids, start__lt=range_end, end__gt=range_start
    ).values_list("clinician_id", "start", "end"):
        blocked[clinician_id].append(Interval(start, end))

    closed = set(
        Closure.objects.filter(location=location, date__range=(start_date, end_date)).values_list(
            "date", flat=True
        )
    )

    busy: dict[int, list[Interval]] = {pk: [] for pk in ids}
    if not ignore_appointments:
        appointments = (
            Appointment.objects.holding_time()
            .filter(clinician_id__in=ids)
            .overlapping(range_start, range_end)
            .order_by()  # the engine sorts busy time itself
        )
        if exclude_appointment is not None:
            appointments = appointments.exclude(pk=exclude_appointment.pk)
        # Times held for a waitlist runner (booking.waitlist) are busy until they expire, in
        # the same query (UNION ALL).
        holds = (
            WaitlistOffer.objects.holding(now)
            .filter(clinician_id__in=ids, start__lt=range_end, end__gt=range_start)
            .order_by()
        )
        if exclude_hold is not None:
            holds = holds.exclude(pk=exclude_hold.pk)
        columns = (
            "clinician_id",
            "start",
            "end",
            "appointment_type__buffer_before_minutes",
            "appointment_type__buffer_after_minutes",
        )
        minutes: dict[int, timedelta] = {}  # a few buffer lengths, hundreds of rows
        for clinician_id, start, end, before, after in appointments.values_list(*columns).union(
            holds.values_list(*columns), all=True
        ):
            if before not in minutes:
                minutes[before] = timedelta(minutes=before)
            if after not in minutes:
                minutes[after] = timedelta(minutes=after)
            # An appointment keeps its own buffers clear too.
            busy[clinician_id].append(Interval(start - minutes[before], end + minutes[after]))

    return _ScheduleRows(
        clinicians=clinicians,
        hours=hours,
        taken={pk: TakenTime.of([*busy[pk], *blocked[pk]]) for pk in ids},
        closed=frozenset(closed),
    )


def nearby_slots(
    *,
    location: Location,
    appointment_type: AppointmentType,
    clinician: Clinician | None,
    around: datetime,
    limit: int = 8,
    now: datetime | None = None,
) -> list[SlotOption]:
    """Free times from the day of ``around`` on, nearest first in time (for "just taken")."""
    day = around.astimezone(location.zone).date()
    options = available_slots(
        location=location,
        appointment_type=appointment_type,
        clinician=clinician,
        start_date=day,
        end_date=day + timedelta(days=7),
        now=now,
    )
    # Compare instants in UTC: within one zone Python subtracts wall times, which is an hour
    # off across a DST change.
    target = around.astimezone(UTC)
    options.sort(key=lambda option: abs((option.start.astimezone(UTC) - target).total_seconds()))
    return sorted(options[:limit], key=lambda option: option.start.astimezone(UTC))


# How far ahead the result page looks for a clinic's next times (the picker's window).
OPENINGS_WINDOW_DAYS = 14


@dataclass(frozen=True)
class Opening:
    """A tappable time: the details page with the clinic, type, intake and start filled in."""

    start: datetime
    day_label: str  # "Thu, Jun 11"
    time_label: str  # "9:00 AM"
    url: str


@dataclass(frozen=True)
class ClinicOpenings:
    location: Location
    openings: tuple[Opening, ...]
    more_url: str  # the picker at this clinic, for other days and times


def next_openings(
    *,
    location: Location,
    appointment_type: AppointmentType,
    count: int = 3,
    now: datetime | None = None,
) -> list[SlotOption]:
    """The next ``count`` free times at a clinic for a visit type, any clinician (the first
    available), from this process's copy of the schedule: a page that shows times. Booking
    re-checks the time against the database."""
    if now is None:
        # The same for every runner until the schedule changes or the minute turns: kept with
        # the schedule copies (a result page would otherwise search 14 days of every clinician
        # at each clinic on every view).
        minute = openings_minute()
        key = ("next-openings", location.pk, appointment_type.pk, count, minute)
        return schedule_cache.cached(
            key,
            lambda: _next_openings(location, appointment_type, count, minute),
        )
    return _next_openings(location, appointment_type, count, now)


def openings_minute() -> datetime:
    """The minute the kept next times are for: now rounded up, never down (a time that needs
    more notice than is left is never shown, and slot starts lie on whole minutes, so the list
    is what the booking service finds)."""
    now = timezone.now()
    minute = now.replace(second=0, microsecond=0)
    return minute + timedelta(minutes=1) if minute < now else minute


def _next_openings(location, appointment_type, count, now) -> list[SlotOption]:
    today = timezone.localdate(now)
    end = today + timedelta(days=OPENINGS_WINDOW_DAYS - 1)
    found = available_days(
        location=location,
        appointment_type=appointment_type,
        start_date=today,
        end_date=end,
        now=now,
        cached=True,
    )
    options = list(found.options)
    for day in found.days:
        if len(options) >= count:
            break
        if day <= (found.day or day):
            continue
        options += available_days(
            location=location,
            appointment_type=appointment_type,
            start_date=today,
            end_date=end,
            day=day,
            now=now,
            cached=True,
        ).options
    return options[:count]


def openings_for_intake(
    *, intake_token: str, type_slug: str | None, count: int = 3, now: datetime | None = None
) -> tuple[AppointmentType | None, list[ClinicOpenings]]:
    """Each active clinic's next times for the recommended visit, as links that carry the
    intake's token (the details page then fills in the runner's details)."""
    from .picker import ANY  # the picker reads its times from here: imported when used

    types = directory.bookable_types()
    wanted = type_slug or AppointmentType.INITIAL_EVALUATION
    appointment_type = next((t for t in types if t.slug == wanted), None)
    if appointment_type is None:
        return None, []
    details, picker = reverse("booking:details"), reverse("booking:start")
    clinics = []
    for location in directory.active_locations():
        base = {
            "location": location.slug,
            "type": appointment_type.slug,
            "clinician": ANY,
            "intake": intake_token,
        }
        openings = []
        for option in next_openings(
            location=location, appointment_type=appointment_type, count=count, now=now
        ):
            local = option.start.astimezone(location.zone)
            query = urlencode({**base, "start": option.start.isoformat()})
            openings.append(
                Opening(
                    start=option.start,
                    day_label=datefmt.day_short(local.date()),
                    time_label=datefmt.clock(local),
                    url=f"{details}?{query}",
                )
            )
        clinics.append(
            ClinicOpenings(
                location=location,
                openings=tuple(openings),
                more_url=f"{picker}?{urlencode(base)}",
            )
        )
    return appointment_type, clinics

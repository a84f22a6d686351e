"""Reads for the front desk's appointment book: a day or a week, clinicians as columns.

Also the reads of the patients' pages and the schedules pages. Each read is a fixed number of
queries whatever the number of appointments: the clinics, the working hours of the days shown,
and the appointments (with patient, type, clinician and the linked intake joined in).
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Min, Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils import timezone

from assessments.models import Submission
from booking import directory, rules, schedule_cache, waitlist, waitlist_times
from booking.dates import local_bounds
from booking.models import (
    Appointment,
    AppointmentType,
    Clinician,
    Closure,
    Location,
    Patient,
    TimeOff,
    WaitlistEntry,
    WaitlistOffer,
    Weekday,
    WeeklyAvailability,
    same_runner,
)
from itband.contact import namesake_words
from itband.datefmt import clock

from . import grid

BOTH = "all"


def intake_state(appointment: Appointment) -> str:
    """none / submitted / flag (emergency, urgent or soft) / reviewed, for the desk's badges.

    The desk sees that an intake exists and whether it needs attention, never its answers.
    """
    submission = appointment.submission
    if submission is None:
        return "none"
    return intake_state_of(submission.reviewed_at, submission.highest_flag, submission.submitted_at)


def intake_state_of(reviewed_at, highest_flag: str, submitted_at) -> str:
    """``intake_state`` of a linked intake, from its columns (the day grid reads values).
    A draft the desk sent the link for (desk.services.intake_link_send) is "sent"."""
    if not submitted_at:
        return "sent"
    if reviewed_at:
        return "reviewed"
    return f"flag-{highest_flag}" if highest_flag else "submitted"


@dataclass
class Column:
    clinician: Clinician
    hours: list[WeeklyAvailability] = field(default_factory=list)
    appointments: list[Appointment] = field(default_factory=list)

    @property
    def hours_text(self) -> str:
        """'Bethesda 7:00 AM–12:00 PM, Bethesda 1:00 PM–7:00 PM'."""
        return ", ".join(
            f"{block.location.name} {clock(block.start)}–{clock(block.end)}" for block in self.hours
        )


@dataclass
class DayBook:
    day: date
    locations: list[Location]
    selected: str
    columns: list[Column]
    rows: list[grid.Row] = field(default_factory=list)  # the time grid (desk.grid)
    cancelled: list = field(default_factory=list)  # the day's cancelled visits, listed apart
    # The next moment the page reads differently with no row changed (a step passing, a hold
    # expiring, a red flag leaving its 14 days); None: only a change of rows changes it.
    changes_at: datetime | None = None

    @property
    def count(self) -> int:
        return sum(
            1
            for c in self.columns
            for a in c.appointments
            if a.status in Appointment.HOLDING_STATUSES
        )


def zone_for(locations: list[Location]) -> ZoneInfo:
    return locations[0].zone if len(locations) == 1 else ZoneInfo(settings.TIME_ZONE)


def selected_locations(slug: str) -> tuple[list[Location], list[Location], str]:
    """(all active clinics, the ones shown, the normalised choice)."""
    locations = list(directory.active_locations())  # by name
    chosen = [loc for loc in locations if loc.slug == slug]
    if chosen:
        return locations, chosen, slug
    return locations, locations, BOTH


def appointments_between(locations: list[Location], start: datetime, end: datetime):
    return (
        Appointment.objects.filter(location__in=locations, start__gte=start, start__lt=end)
        .select_related("patient", "clinician", "location", "appointment_type", "submission")
        # The desk sees only an intake's state, never its answers: no JSON to fetch and decode.
        .defer("submission__answers", "submission__result", "submission__progress")
        .order_by("start", "pk")
    )


def day_book(*, slug: str, day: date, now: datetime | None = None) -> DayBook:
    """The day at the clinics shown, as a time grid (desk.grid). Queries: the hours, the
    visits, the red-flag index, the time off, the closures (and the clinicians booked
    without hours that day): the same number for 5 visits or 150."""
    now = now or timezone.now()
    locations, shown, selected = selected_locations(slug)
    zone = zone_for(shown or locations)
    start, end = local_bounds(zone, day, 1)
    frame = day_frame(shown, day, start, end)
    columns: dict[int, Column] = {}
    for block in frame.hours:
        if block.clinician.is_active:
            columns.setdefault(block.clinician_id, Column(block.clinician)).hours.append(block)
    red_flags = rules.red_flag_index(now=now)  # one query, whatever the number of visits
    visits = day_visits(shown, start, end, zone, red_flags)
    missing = {visit.clinician_id for visit in visits} - columns.keys()
    for clinician in Clinician.objects.filter(pk__in=missing):  # booked without hours today
        columns[clinician.pk] = Column(clinician)
    for visit in visits:
        columns[visit.clinician_id].appointments.append(visit)
    ordered = sorted(columns.values(), key=lambda c: c.clinician.display_name)
    time_off = frame.time_off
    closures = frame.closures
    holding = []
    cancelled = []
    for visit in visits:
        if visit.status not in Appointment.HOLDING_STATUSES:
            cancelled.append(visit)
            continue
        off = next(
            (
                span
                for span in time_off.get(visit.clinician_id, ())
                if span.start < visit.end and visit.start < span.end
            ),
            None,
        )
        if off is not None:
            visit = replace(visit, clinician_off=off.reason or "time off")
        holding.append(visit)
    holds = held_times(frame.holds, zone, now=now)
    holding.extend(holds)
    blocks = [
        grid.Block(b.clinician_id, b.location.slug, b.location.name, b.start, b.end)
        for column in ordered
        for b in column.hours
    ]
    default_type = AppointmentType.INITIAL_EVALUATION
    book_base = reverse("desk:book")

    def book_url(clinician_id: int, location_slug: str, moment: datetime) -> str:
        query = urlencode(
            {
                "location": location_slug,
                "type": default_type,
                "clinician": clinician_id,
                "date": moment.date().isoformat(),
                "start": moment.isoformat(),
            }
        )
        return f"{book_base}?{query}"

    rows = grid.build(
        day=day,
        zone=zone,
        clinicians=[(c.clinician.pk, c.clinician.display_name) for c in ordered],
        blocks=blocks,
        visits=holding,
        time_off=time_off,
        closures=closures,
        now=now,
        book_url=book_url,
    )
    moments = [grid.changes_at(rows, now), red_flags.changes_at]
    moments += [hold.end_of_hold for hold in holds]
    return DayBook(
        day=day,
        locations=locations,
        selected=selected,
        columns=ordered,
        rows=rows,
        cancelled=cancelled,
        changes_at=min((m for m in moments if m is not None), default=None),
    )


@dataclass(frozen=True)
class DayFrame:
    hours: list[WeeklyAvailability]  # by clinician name, then start
    time_off: dict[int, list[grid.Span]]  # by clinician
    closures: dict[str, str]  # location slug → reason
    holds: list[tuple] = field(default_factory=list)  # waitlist holds (held_times' rows)


def day_frame(shown: list[Location], day: date, start: datetime, end: datetime) -> DayFrame:
    """The day's working hours, time off and closures at the clinics shown: the rows the slot
    engine reads, so this process's copy of them serves (booking.schedule_cache: cleared by
    every change to them, shared generation checked each second), with the times held for
    waitlist runners (a hold is a schedule row too: its expiry is checked when shown). Only
    the grid's shading and holds come from here; booking a free cell checks the time against
    the database."""

    def load() -> DayFrame:
        hours = list(
            WeeklyAvailability.objects.filter(location__in=shown, weekday=day.weekday())
            .select_related("clinician", "location")
            .order_by("clinician__display_name", "start")
        )
        time_off: dict[int, list[grid.Span]] = {}
        for off in TimeOff.objects.filter(start__lt=end, end__gt=start).order_by("start"):
            time_off.setdefault(off.clinician_id, []).append(
                grid.Span(off.start, off.end, off.reason)
            )
        closures = dict(
            Closure.objects.filter(location__in=shown, date=day).values_list(
                "location__slug", "reason"
            )
        )
        holds = list(
            WaitlistOffer.objects.filter(
                status=WaitlistOffer.Status.HELD,
                location__in=shown,
                start__gte=start,
                start__lt=end,
            ).values_list(*HOLD_COLUMNS)
        )
        return DayFrame(hours, time_off, closures, holds)

    key = ("desk-day", tuple(location.pk for location in shown), day)
    return schedule_cache.cached(key, load)


@dataclass(frozen=True)
class Visit:
    """One block of the day grid: what the desk reads at a glance, nothing more."""

    pk: int
    clinician_id: int
    status: str
    status_label: str
    time_range: str
    patient_name: str
    type_name: str
    location_name: str
    intake_state: str
    url: str
    red_flag: str = ""  # an uncleared emergency/urgent intake of this runner (booking.rules)
    start: datetime | None = None
    end: datetime | None = None
    namesake: str = ""  # "b. 1990 (36) · …0142": tells namesakes apart (itband.contact)
    clinician_off: str = ""  # the clinician's time off overlaps this visit (its reason)
    end_of_hold: datetime | None = None  # a waitlist hold: when it stops being shown

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.status, "secondary")

    @property
    def intake_badge(self) -> tuple[str, str]:
        """(Bootstrap badge class, words) for the intake's state."""
        return INTAKE_BADGES.get(self.intake_state, ("text-bg-danger", "Intake: red flag"))


HELD = "held"  # a Visit that is a waitlist hold, not an appointment
STATUS_BADGES = {"booked": "primary", "checked_in": "warning", "completed": "success"}

INTAKE_BADGES = {
    "none": ("text-bg-light border", "No intake"),
    "reviewed": ("text-bg-success", "Intake reviewed"),
    "submitted": ("text-bg-secondary", "Intake submitted"),
    "sent": ("text-bg-light border", "Intake link sent"),
    "flag-soft": ("flag-badge flag-soft", "Intake: review flag"),
}


def day_visits(
    locations: list[Location], start: datetime, end: datetime, zone, red_flags: rules.RedFlagIndex
) -> list[Visit]:
    """The day's visits as plain rows: one query, no model instances (the busiest day has
    dozens of visits, and six model objects each made the grid slow)."""
    labels = dict(Appointment.Status.choices)
    rows = (
        Appointment.objects.filter(location__in=locations, start__gte=start, start__lt=end)
        .order_by("start", "pk")
        .values_list(
            "pk", "clinician_id", "status", "start", "end", "patient__first_name",
            "patient__last_name", "appointment_type__name", "location__name",
            "submission_id", "submission__reviewed_at", "submission__highest_flag",
            "submission__submitted_at",
            "patient__email", "patient__date_of_birth", "patient__phone",
        )
    )  # fmt: skip
    visit_url = reverse("desk:appointment", args=[0]).removesuffix("0/")  # reversed once
    visits = []
    for (
        pk,
        clinician_id,
        status,
        begin,
        finish,
        first,
        last,
        type_name,
        location_name,
        intake,
        reviewed,
        flag,
        submitted,
        email,
        born,
        phone,
    ) in rows:
        state = "none" if intake is None else intake_state_of(reviewed, flag, submitted)
        visits.append(
            Visit(
                pk=pk,
                clinician_id=clinician_id,
                status=status,
                status_label=labels.get(status, status),
                time_range=f"{clock(begin.astimezone(zone))}–{clock(finish.astimezone(zone))}",
                patient_name=f"{first} {last}",
                type_name=type_name,
                location_name=location_name,
                intake_state=state,
                url=f"{visit_url}{pk}/",
                red_flag=red_flags.level_for(email=email, last_name=last, date_of_birth=born) or "",
                start=begin,
                end=finish,
                namesake=namesake_words(born, phone, on=begin.astimezone(zone).date()),
            )
        )
    return visits


HOLD_COLUMNS = (
    "pk", "clinician_id", "start", "end", "expires_at", "entry__first_name", "entry__last_name",
    "appointment_type__name", "location__name",
)  # fmt: skip


def held_times(rows: list[tuple], zone, *, now: datetime) -> list[Visit]:
    """Times held for a waitlist runner that day (booking.waitlist; ``HOLD_COLUMNS`` rows), as
    grid blocks: the desk sees whom for and until when, and releases the hold from the
    waitlist page. A hold past its time is not shown, even before the sweep closes it."""
    waitlist_url = reverse("desk:waitlist")
    return [
        Visit(
            pk=pk,
            clinician_id=clinician_id,
            status=HELD,
            status_label=f"Held until {clock(expires.astimezone(zone))}",
            time_range=f"{clock(begin.astimezone(zone))}–{clock(finish.astimezone(zone))}",
            patient_name=f"{first} {last}",
            type_name=type_name,
            location_name=location_name,
            intake_state="none",
            url=waitlist_url,
            start=begin,
            end=finish,
            end_of_hold=expires,
        )
        for pk, clinician_id, begin, finish, expires, first, last, type_name, location_name in rows
        if expires > now
    ]


@dataclass
class WeekRow:
    clinician: Clinician
    days: list[list[Appointment]]


def week_book(*, slug: str, day: date) -> dict:
    """The Monday-to-Sunday week around ``day``: clinicians as rows, days as columns."""
    locations, shown, selected = selected_locations(slug)
    monday = day - timedelta(days=day.weekday())
    zone = zone_for(shown or locations)
    start, end = local_bounds(zone, monday, 7)
    rows: dict[int, WeekRow] = {}
    for appointment in appointments_between(shown, start, end):
        if appointment.status not in Appointment.HOLDING_STATUSES:
            continue
        row = rows.setdefault(
            appointment.clinician_id, WeekRow(appointment.clinician, [[] for _ in range(7)])
        )
        local = appointment.start.astimezone(zone)
        patient = appointment.patient
        appointment.namesake = namesake_words(patient.date_of_birth, patient.phone, on=local.date())
        row.days[local.weekday()].append(appointment)
    days = [monday + timedelta(days=i) for i in range(7)]
    return {
        "locations": locations,
        "selected": selected,
        "days": days,
        "rows": sorted(rows.values(), key=lambda r: r.clinician.display_name),
        "monday": monday,
    }


# --- Patients ---------------------------------------------------------------------------------
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


def visits_in_time_off(time_off: Sequence[TimeOff]) -> list[tuple[TimeOff, list[Appointment]]]:
    """Each time off with the booked visits it overlaps (they are not cancelled: the desk moves
    them). One query whatever the number of periods."""
    if not time_off:
        return []
    overlaps = Q()
    for period in time_off:
        overlaps |= Q(clinician_id=period.clinician_id, start__lt=period.end, end__gt=period.start)
    visits = list(
        Appointment.objects.filter(overlaps, status=Appointment.Status.BOOKED)
        .select_related("patient", "location")
        .order_by("start")
    )
    return [
        (
            period,
            [
                v
                for v in visits
                if v.clinician_id == period.clinician_id
                and v.start < period.end
                and period.start < v.end
            ],
        )
        for period in time_off
    ]


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


# -- the waitlist -------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaitlistRow:
    entry: WaitlistEntry
    clinics: str
    times: str
    offers_sent: int
    held: WaitlistOffer | None
    paused: bool = False  # booking.waitlist.PAUSE_AFTER_UNCLAIMED offers let pass in a row


def waitlist_rows(*, shown: Sequence[Location], now: datetime) -> list[WaitlistRow]:
    """The runners waiting at the clinics shown, in the order they joined (the order offers
    follow), with the offers sent and the time held for them: three queries, however long
    the list."""
    entries = (
        WaitlistEntry.objects.filter(
            status=WaitlistEntry.Status.WAITING,
            until__gte=timezone.localdate(now),
            locations__in=shown,
        )
        .distinct()
        .select_related("appointment_type", "clinician")
        .annotate(
            offers_sent=Count("offers", distinct=True),
            unclaimed=waitlist.unclaimed_in_a_row(),
        )
        .prefetch_related(
            "locations",
            Prefetch(
                "offers",
                queryset=WaitlistOffer.objects.holding(now).select_related("clinician", "location"),
                to_attr="held_offers",
            ),
        )
        .order_by("created_at", "pk")
    )
    return [
        WaitlistRow(
            entry=entry,
            clinics=" or ".join(location.name for location in entry.locations.all()),
            times=waitlist_times.describe(entry.times),
            offers_sent=entry.offers_sent,
            held=entry.held_offers[0] if entry.held_offers else None,
            paused=entry.unclaimed >= waitlist.PAUSE_AFTER_UNCLAIMED,
        )
        for entry in entries
    ]

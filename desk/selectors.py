"""Reads for the front desk's appointment book: a day or a week, clinicians as columns.

Each read is a fixed number of queries whatever the number of appointments: the clinics, the
working hours of the days shown, and the appointments (with patient, type, clinician and the
linked intake joined in).
"""

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

from booking import directory, rules
from booking.dates import local_bounds
from booking.models import Appointment, Clinician, Location, WeeklyAvailability
from itband.datefmt import clock

BOTH = "all"


def intake_state(appointment: Appointment) -> str:
    """none / submitted / flag (emergency, urgent or soft) / reviewed, for the desk's badges.

    The desk sees that an intake exists and whether it needs attention, never its answers.
    """
    submission = appointment.submission
    if submission is None:
        return "none"
    return intake_state_of(submission.reviewed_at, submission.highest_flag)


def intake_state_of(reviewed_at, highest_flag: str) -> str:
    """``intake_state`` of a linked intake, from its two columns (the day grid reads values)."""
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


def day_book(*, slug: str, day: date) -> DayBook:
    locations, shown, selected = selected_locations(slug)
    zone = zone_for(shown or locations)
    start, end = local_bounds(zone, day, 1)
    hours = (
        WeeklyAvailability.objects.filter(location__in=shown, weekday=day.weekday())
        .select_related("clinician", "location")
        .order_by("clinician__display_name", "start")
    )
    columns: dict[int, Column] = {}
    for block in hours:
        if block.clinician.is_active:
            columns.setdefault(block.clinician_id, Column(block.clinician)).hours.append(block)
    visits = day_visits(shown, start, end, zone)
    missing = {visit.clinician_id for visit in visits} - columns.keys()
    for clinician in Clinician.objects.filter(pk__in=missing):  # booked without hours today
        columns[clinician.pk] = Column(clinician)
    for visit in visits:
        columns[visit.clinician_id].appointments.append(visit)
    ordered = sorted(columns.values(), key=lambda c: c.clinician.display_name)
    return DayBook(day=day, locations=locations, selected=selected, columns=ordered)


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

    @property
    def status_badge(self) -> str:
        return STATUS_BADGES.get(self.status, "secondary")

    @property
    def intake_badge(self) -> tuple[str, str]:
        """(Bootstrap badge class, words) for the intake's state."""
        return INTAKE_BADGES.get(self.intake_state, ("text-bg-danger", "Intake: red flag"))


STATUS_BADGES = {"booked": "primary", "checked_in": "warning", "completed": "success"}

INTAKE_BADGES = {
    "none": ("text-bg-light border", "No intake"),
    "reviewed": ("text-bg-success", "Intake reviewed"),
    "submitted": ("text-bg-secondary", "Intake submitted"),
    "flag-soft": ("text-bg-info", "Intake: review flag"),
}


def day_visits(locations: list[Location], start: datetime, end: datetime, zone) -> list[Visit]:
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
            "patient__email", "patient__date_of_birth",
        )
    )  # fmt: skip
    visit_url = reverse("desk:appointment", args=[0]).removesuffix("0/")  # reversed once
    red_flags = rules.red_flag_index()  # one query, whatever the number of visits
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
        email,
        born,
    ) in rows:
        state = "none" if intake is None else intake_state_of(reviewed, flag)
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
            )
        )
    return visits


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
        row.days[appointment.start.astimezone(zone).weekday()].append(appointment)
    days = [monday + timedelta(days=i) for i in range(7)]
    return {
        "locations": locations,
        "selected": selected,
        "days": days,
        "rows": sorted(rows.values(), key=lambda r: r.clinician.display_name),
        "monday": monday,
    }

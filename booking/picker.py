"""The GET-driven slot picker: query parameters in, days and times to show out.

State lives in the URL (location, type, clinician, from, date, intake), so the flow needs no
session, works without JavaScript, and a reloaded page shows the same choice.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from urllib.parse import urlencode

from django.conf import settings
from django.http import QueryDict
from django.utils import timezone

from assessments.models import Submission
from itband import datefmt

from . import directory
from .dates import within_reach
from .models import AppointmentType, Clinician, Location
from .selectors import SlotOption, available_days

WINDOW_DAYS = 14
ANY = "any"
# In the picker's state once the safety question was answered "None of these".
SCREEN_PARAMETER = "safety"
SCREEN_PASSED = "none"


def parse_date(value: str | None) -> date | None:
    """A date from the URL, or None when it is malformed or out of reach (booking.dates)."""
    try:
        day = date.fromisoformat(value) if value else None
    except ValueError:
        return None
    return day if day is not None and within_reach(day) else None


def parse_start(value: str | None) -> datetime | None:
    """An aware datetime from an ISO string with its offset; None for anything else."""
    try:
        start = datetime.fromisoformat(value) if value else None
    except ValueError:
        return None
    if start is None or start.utcoffset() is None or not within_reach(start.date()):
        return None
    return start


def intake_from(token: str | None) -> Submission | None:
    # A NUL byte would make PostgreSQL's driver raise (a 500), so it is refused here.
    if not token or len(token) > 64 or "\x00" in token:
        return None
    return Submission.objects.submitted().filter(token=token).first()


@dataclass
class Selection:
    """What the runner picked so far; anything invalid in the URL is simply not picked."""

    locations: list[Location]
    types: list[AppointmentType]
    location: Location | None = None
    appointment_type: AppointmentType | None = None
    clinicians: list[Clinician] = field(default_factory=list)
    clinician: Clinician | None = None  # None is "first available"
    from_date: date | None = None
    day: date | None = None
    start: datetime | None = None
    intake: Submission | None = None
    # A clinician was asked for by id but does not take bookings at this clinic (any more).
    clinician_unavailable: bool = False
    # The runner answered "None of these" to the safety question (booking.rules.screen_required).
    screened: bool = False

    @property
    def clinician_value(self) -> str:
        return str(self.clinician.pk) if self.clinician else ANY

    @property
    def complete(self) -> bool:
        return self.location is not None and self.appointment_type is not None

    def params(self, **overrides) -> dict[str, str]:
        values = {
            "location": self.location.slug if self.location else "",
            "type": self.appointment_type.slug if self.appointment_type else "",
            "clinician": self.clinician_value,
            "intake": self.intake.token if self.intake else "",
            SCREEN_PARAMETER: SCREEN_PASSED if self.screened else "",
        }
        values.update({key: str(value) for key, value in overrides.items() if value is not None})
        return {key: value for key, value in values.items() if value}

    def url(self, base: str, **overrides) -> str:
        return f"{base}?{urlencode(self.params(**overrides))}"


def select(
    data: QueryDict,
    *,
    intake: Submission | None = None,
    location: Location | None = None,
    appointment_type: AppointmentType | None = None,
    clinician: Clinician | None = None,
    fresh: bool = False,
) -> Selection:
    """Read the picker's parameters; ``location``/``appointment_type`` fix them (reschedule).
    ``clinician``: the one chosen when the parameters name none (a reschedule keeps the
    visit's clinician unless the runner or the desk choose another, "first available" too).

    ``fresh``: read the clinics, types and clinicians from the database, not this process's
    copy (booking.schedule_cache): for a request that books or moves a visit with them.
    """
    locations = list(directory.active_locations(fresh=fresh))
    types = list(directory.bookable_types(fresh=fresh))
    selection = Selection(
        locations=locations,
        types=types,
        intake=intake,
        screened=data.get(SCREEN_PARAMETER) == SCREEN_PASSED,
    )

    if location is None:
        slug = data.get("location") or (locations[0].slug if len(locations) == 1 else "")
        location = next((loc for loc in locations if loc.slug == slug), None)
    selection.location = location

    if appointment_type is None:
        slug = data.get("type") or (intake.recommended_appointment if intake else None) or ""
        appointment_type = next((t for t in types if t.slug == slug), None)
        if appointment_type is None and not data.get("type"):
            default = AppointmentType.INITIAL_EVALUATION
            appointment_type = next((t for t in types if t.slug == default), None)
    selection.appointment_type = appointment_type

    if location is not None:
        selection.clinicians = list(directory.clinicians_at(location, fresh=fresh))
        wanted = data.get("clinician") or (str(clinician.pk) if clinician else ANY)
        selection.clinician = next((c for c in selection.clinicians if str(c.pk) == wanted), None)
        selection.clinician_unavailable = selection.clinician is None and wanted not in (ANY, "")

    today = timezone.localdate()
    from_date = parse_date(data.get("from"))
    selection.from_date = from_date if from_date and from_date >= today else today
    selection.day = parse_date(data.get("date"))
    selection.start = parse_start(data.get("start"))
    return selection


@dataclass(frozen=True)
class DayChoice:
    day: date
    count: int | None  # the number of free times, counted for the selected day only
    url: str
    selected: bool
    label: str  # "Thu, Nov 26"


@dataclass(frozen=True)
class TimeChoice:
    option: SlotOption
    url: str
    label: str  # "9:00 AM", clinic time


@dataclass
class SlotView:
    """What the slot list shows, labels included (formatted once here, in the clinic's zone,
    rather than by template filters per link)."""

    days: list[DayChoice]
    day: date | None
    times: list[TimeChoice]
    earlier_url: str | None
    later_url: str | None
    window_start: date
    window_end: date
    day_label: str = ""  # "Thursday, November 26"
    zone_label: str = ""  # "EST"

    @property
    def window_short(self) -> tuple[str, str]:
        return datefmt.month_day(self.window_start), datefmt.month_day(self.window_end)

    @property
    def window_long(self) -> tuple[str, str]:
        return datefmt.month_day_long(self.window_start), datefmt.month_day_long(self.window_end)


def slot_view(
    selection: Selection,
    *,
    picker_base: str,
    pick_base: str,
    now: datetime | None = None,
    exclude_appointment=None,
    min_notice: timedelta | None = None,
) -> SlotView:
    """Days with free times in a two-week window, and the times of the chosen day."""
    assert selection.location and selection.appointment_type
    from_date = selection.from_date or timezone.localdate()
    window_end = from_date + timedelta(days=WINDOW_DAYS - 1)
    # Which days have a free time (each day's search stops at its first), and the times of
    # the chosen day only: the list never needs every time of the two weeks.
    found = available_days(
        location=selection.location,
        appointment_type=selection.appointment_type,
        clinician=selection.clinician,
        start_date=from_date,
        end_date=window_end,
        day=selection.day,
        now=now,
        exclude_appointment=exclude_appointment,
        prefer=getattr(exclude_appointment, "clinician", None),
        min_notice=min_notice,
        cached=exclude_appointment is None,  # a page that shows times; booking re-checks
    )
    day = found.day
    days = [
        DayChoice(
            day=d,
            count=len(found.options) if d == day else None,
            url=selection.url(
                picker_base, **{"from": from_date.isoformat(), "date": d.isoformat()}
            ),
            selected=d == day,
            label=datefmt.day_short(d),
        )
        for d in found.days
    ]
    zone = selection.location.zone
    times = []
    for option in found.options:
        local = option.start.astimezone(zone)
        url = selection.url(pick_base, start=option.start.isoformat())
        times.append(TimeChoice(option=option, url=url, label=datefmt.clock(local)))
    today = timezone.localdate()
    horizon = today + timedelta(days=settings.BOOKING_HORIZON_DAYS)
    earlier = None
    if from_date > today:
        earlier_from = max(today, from_date - timedelta(days=WINDOW_DAYS))
        earlier = selection.url(picker_base, **{"from": earlier_from.isoformat()})
    later = None
    if window_end < horizon:
        later = selection.url(picker_base, **{"from": (window_end + timedelta(days=1)).isoformat()})
    return SlotView(
        days=days,
        day=day,
        times=times,
        earlier_url=earlier,
        later_url=later,
        window_start=from_date,
        window_end=window_end,
        day_label=datefmt.day_long(day) if day else "",
        zone_label=times[0].option.start.astimezone(zone).tzname() if times else "",
    )

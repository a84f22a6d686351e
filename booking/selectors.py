"""Reads other apps' pages show, through template tags (booking/templatetags): the result page
lists the next free times without the assessments app importing booking."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone

from itband import datefmt

from . import directory, schedule_cache
from .models import AppointmentType, Location
from .picker import ANY
from .services import SlotOption, available_days

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
        # Rounded up, never down: a time that needs more notice than is left is never shown,
        # and slot starts lie on whole minutes, so the list is what the booking service finds.
        now = timezone.now()
        minute = now.replace(second=0, microsecond=0)
        if minute < now:
            minute += timedelta(minutes=1)
        key = ("next-openings", location.pk, appointment_type.pk, count, minute)
        return schedule_cache.cached(
            key,
            lambda: _next_openings(location, appointment_type, count, minute),
        )
    return _next_openings(location, appointment_type, count, now)


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

"""The clinics, visit types and clinicians the public pages list, from this process's copy
(booking.schedule_cache): every public page shows the clinics, and the picker all three.

The instances are shared between requests: read them, never change them.
"""

from __future__ import annotations

from . import schedule_cache
from .models import AppointmentType, Clinician, Location


def active_locations() -> tuple[Location, ...]:
    return schedule_cache.cached(
        ("locations",), lambda: tuple(Location.objects.filter(is_active=True))
    )


def bookable_types() -> tuple[AppointmentType, ...]:
    return schedule_cache.cached(
        ("types",), lambda: tuple(AppointmentType.objects.bookable_online())
    )


def clinicians_at(location: Location) -> tuple[Clinician, ...]:
    return schedule_cache.cached(
        ("clinicians", location.pk),
        lambda: tuple(Clinician.objects.active().at(location)),
    )

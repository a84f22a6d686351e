"""The clinics, visit types and clinicians the public pages list, from this process's copy
(booking.schedule_cache): every public page shows the clinics, and the picker all three.

The instances are shared between requests: read them, never change them. A request that books
or moves a visit passes ``fresh=True`` and gets its own, read from the database.
"""

from __future__ import annotations

from collections.abc import Callable

from . import schedule_cache
from .models import AppointmentType, Clinician, Location


def _read[T](key: tuple, load: Callable[[], T], *, fresh: bool) -> T:
    return load() if fresh else schedule_cache.cached(key, load)


def active_locations(*, fresh: bool = False) -> tuple[Location, ...]:
    return _read(
        ("locations",), lambda: tuple(Location.objects.filter(is_active=True)), fresh=fresh
    )


def bookable_types(*, fresh: bool = False) -> tuple[AppointmentType, ...]:
    return _read(("types",), lambda: tuple(AppointmentType.objects.bookable_online()), fresh=fresh)


def clinicians_at(location: Location, *, fresh: bool = False) -> tuple[Clinician, ...]:
    return _read(
        ("clinicians", location.pk),
        lambda: tuple(Clinician.objects.active().at(location)),
        fresh=fresh,
    )

"""A per-process copy of the schedule rows every public page reads, for display only.

The clinics in the footer, the picker's clinics, visit types and clinicians, and the hours, time
off, closures and busy times behind "which days have a free time" are the same rows for every
visitor, and reading them was most of the slot list's time (seven queries, see
docs/benchmarks.md). Each process keeps what it read, valid for one *schedule generation*:

- every save or delete of a model the slot engine reads (signals, below) clears this process's
  copies at once and, after the transaction commits, stores a new generation in the shared cache
  (the database cache: every server and worker sees it);
- a process reads the shared generation at most once every ``CHECK_EVERY`` seconds and drops its
  copies when it changed, so another server's booking shows here within that second;
- a copy also expires after ``MAX_AGE``, so a change that bypassed the models (raw SQL, a bulk
  update) shows within a minute;
- nothing is kept from inside a transaction, which may see rows that are not committed.

Only what is *shown* comes from here. Booking, rescheduling and the desk check the time against
the database when they write, so a copy a second old can at worst offer a time that is then
answered with "just taken" and nearby times.

Staff pages (the desk's day, the review queue) keep copies too, through ``staff_copy``, with two
differences: they read the shared generations on *every* request (one query), so what a member of
staff just did shows on their next page whichever process serves it; and a second generation,
``RECORDS_KEY``, changes with every save of a patient or a submitted intake (names, intake states,
red flags), which these pages show beside the schedule.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from datetime import datetime

from django.core.cache import caches
from django.db import DatabaseError, connection, transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

CACHE_ALIAS = "schedule"  # settings.CACHES: a database table of its own, shared by every process

GENERATION_KEY = "booking:schedule-generation"
RECORDS_KEY = "booking:records-generation"  # patients and submitted intakes (staff_copy)
CHECK_EVERY = 1.0  # seconds between reads of the shared generation, per process
MAX_AGE = 60.0  # seconds a copy is kept even when the generation has not changed
MAX_ENTRIES = 512  # per process; the oldest copy goes first

_lock = threading.Lock()
_entries: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()
_generation: str | None = None
_checked_at = float("-inf")
_epoch = 0  # counts local clears, so a load that overlapped one is not kept
_records_epoch = 0  # counts this process's records changes: its staff copies are then stale
STAFF_MAX_ENTRIES = 64  # per process; staff copies are whole pages, kept apart from the rest
_staff_entries: OrderedDict[Hashable, tuple[float, object]] = OrderedDict()


def cached[T](key: Hashable, load: Callable[[], T]) -> T:
    """``load()``'s value, from this process's copy when it is current."""
    if connection.in_atomic_block:
        return load()
    now = time.monotonic()
    if not _generation_is_current(now):
        return load()
    with _lock:
        hit = _entries.get(key)
        epoch = _epoch
    if hit is not None and now - hit[0] < MAX_AGE:
        return hit[1]  # type: ignore[return-value]
    value = load()
    with _lock:
        if epoch == _epoch:
            _entries[key] = (now, value)
            _entries.move_to_end(key)
            while len(_entries) > MAX_ENTRIES:
                _entries.popitem(last=False)
    return value


def staff_copy[T](key: Hashable, load: Callable[[], tuple[T, datetime | None]]) -> T:
    """``load()`` returns (value, the time it stops being true, or None when only a change of
    rows can make it wrong). The value is kept while the schedule and records generations are
    the ones it was loaded under, read afresh here (one query): staff see their own change on
    the next page, from any process. Nothing is kept from inside a transaction, nor when the
    generations cannot be read. Staff copies have a list of their own (``STAFF_MAX_ENTRIES``),
    so a member of staff paging through many days never pushes out the public pages' copies."""
    if connection.in_atomic_block:
        return load()[0]
    generations = _shared_generations()
    if generations is None:
        return load()[0]
    clock = time.monotonic()
    global _generation, _checked_at
    with _lock:
        # The schedule generation just read serves the public copies too (as a check of
        # _generation_is_current would): a later check in this request then drops nothing.
        if generations[0] != _generation:
            _drop_copies()
        _generation, _checked_at = generations[0], clock
        seen_now = (*generations, _records_epoch)
        hit = _staff_entries.get(key)
        epoch = _epoch
    if hit is not None:
        stored_at, (value, valid_until, seen) = hit
        if (
            seen == seen_now
            and clock - stored_at < MAX_AGE
            and (valid_until is None or timezone.now() < valid_until)
        ):
            return value
    value, valid_until = load()
    with _lock:
        if epoch == _epoch and seen_now[2] == _records_epoch:
            _staff_entries[key] = (clock, (value, valid_until, seen_now))
            _staff_entries.move_to_end(key)
            while len(_staff_entries) > STAFF_MAX_ENTRIES:
                _staff_entries.popitem(last=False)
    return value


def _shared_generations() -> tuple[str, str] | None:
    """Both shared generations, in one read of the shared cache (None when it is away)."""
    shared = caches[CACHE_ALIAS]
    try:
        found = shared.get_many([GENERATION_KEY, RECORDS_KEY])
        for key in (GENERATION_KEY, RECORDS_KEY):
            if key not in found:
                value = secrets.token_hex(8)
                found[key] = value if shared.add(key, value, timeout=None) else shared.get(key)
    except DatabaseError:
        logger.warning("schedule cache: the shared generations could not be read")
        return None
    if found[GENERATION_KEY] is None or found[RECORDS_KEY] is None:
        return None
    return found[GENERATION_KEY], found[RECORDS_KEY]


def _generation_is_current(now: float) -> bool:
    """Read the shared generation when the last read is over a second old; False when the
    cache cannot be read (then nothing is kept or served from copies)."""
    global _generation, _checked_at
    if now - _checked_at < CHECK_EVERY:
        return _generation is not None
    shared = caches[CACHE_ALIAS]
    try:
        value = shared.get(GENERATION_KEY)
        if value is None:
            value = secrets.token_hex(8)
            if not shared.add(GENERATION_KEY, value, timeout=None):
                value = shared.get(GENERATION_KEY)
    except DatabaseError:  # the database cache is away: that only costs the copies
        logger.warning("schedule cache: the shared generation could not be read")
        value = None
    with _lock:
        if value is None or value != _generation:
            _drop_copies()
        _generation = value
        _checked_at = now
    return value is not None


def _drop_copies() -> None:
    global _epoch
    _entries.clear()
    _staff_entries.clear()
    _epoch += 1


def clear_local() -> None:
    """Forget this process's copies and re-read the generation on the next use."""
    global _checked_at
    with _lock:
        _drop_copies()
        _checked_at = float("-inf")


def schedule_changed() -> None:
    """A schedule row changed: drop this process's copies now, tell the others after commit,
    once per transaction however many rows it writes (seed_demo writes hundreds)."""
    clear_local()
    # A callback registered in a savepoint that rolls back leaves this list: then the next
    # change registers it again.
    if not any(entry[1] is _publish_generation for entry in connection.run_on_commit):
        transaction.on_commit(_publish_generation)


def records_changed() -> None:
    """A patient or a submitted intake changed: the staff copies (not the public pages' ones)
    must be read again, here and in every process, after commit."""
    if not any(entry[1] is _publish_records for entry in connection.run_on_commit):
        transaction.on_commit(_publish_records)


def _publish_generation() -> None:
    _publish(GENERATION_KEY)
    clear_local()


def _publish_records() -> None:
    global _records_epoch
    _publish(RECORDS_KEY)
    with _lock:
        # Here even when the shared generation could not be stored; and a page loaded before
        # the commit (another thread) showed the rows before it: it is not kept.
        _records_epoch += 1


def _publish(key: str) -> None:
    shared = caches[CACHE_ALIAS]
    generation = secrets.token_hex(8)
    try:
        # The database cache drops a failed write silently: read it back. Another process's
        # newer generation is as good as ours; only the old one left in place is a failure.
        before = shared.get(key)
        shared.set(key, generation, timeout=None)
        stored = shared.get(key)
    except DatabaseError:
        before = stored = None
    if stored is None or stored == before:
        # Other processes then show their copies until they expire (MAX_AGE).
        logger.warning("schedule cache: a new generation could not be stored")


def on_schedule_write(sender, **kwargs) -> None:
    """Signal receiver (post_save, post_delete, m2m_changed): see booking.apps."""
    schedule_changed()


def on_records_write(sender, instance=None, **kwargs) -> None:
    """Signal receiver (post_save) for patients and intakes: a draft's answers (most saves)
    show on no staff page; a submitted intake's review, flag or contact does."""
    if getattr(instance, "submitted_at", True) is not None:
        records_changed()


def on_records_delete(sender, **kwargs) -> None:
    """Signal receiver (post_delete): a purged draft may be the intake a visit was waiting
    for ("Intake link sent" on the desk's day)."""
    records_changed()


def on_user_write(sender, update_fields=None, **kwargs) -> None:
    """A user's save matters only when it may change ``is_active`` (a sign-in saves
    ``last_login`` alone)."""
    if update_fields is None or "is_active" in update_fields:
        schedule_changed()

"""The suite's clock: every test runs at a pinned instant, never at the wall clock.

time-machine moves the clock of the whole process (``time.time``, ``datetime.now`` and
friends at the C level; the monotonic clock is left alone so timeouts still work) and lets it
tick from the pinned instant, so a test reads the same "now" on any day it runs.

- By default every test starts at ``DEFAULT_INSTANT``; ``TEST_NOW=<ISO instant>`` moves it.
- ``pytest --clock-sweep`` runs each test marked ``date_sensitive`` once at every instant of
  ``SWEEP_INSTANTS`` (make test does, for leap days, DST changes, year end, holidays, weekends
  and the edges of the clinic day) and prints a line per instant at the end.
- A process a test starts (gunicorn, a Celery worker) shares the test's clock when started as
  ``python -m tests.clock <module or script.py> [args…]``: the test publishes its instant and the real time
  at which the clock showed it (``TEST_CLOCK_AT``, ``TEST_CLOCK_ORIGIN``), and the child moves
  its own clock to the same point, so both agree to the millisecond.
"""

from __future__ import annotations

import os
import runpy
import sys
import time
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")


def _ny(*args: int, fold: int = 0) -> datetime:
    """A New York wall time as a UTC instant (``fold=1``: the second of a repeated hour).
    UTC, not a ZoneInfo: time-machine would also change the process's TZ for a ZoneInfo."""
    return datetime(*args, tzinfo=NEW_YORK, fold=fold).astimezone(UTC)


# An ordinary Wednesday morning in New York: no holiday, no DST change near, mid-month.
DEFAULT_INSTANT = _ny(2026, 6, 10, 10, 30)


# The instants of the date sweep (issue 11), all in America/New_York.
SWEEP_INSTANTS: dict[str, datetime] = {
    "feb28-late": _ny(2027, 2, 28, 23, 30),
    "mar01-early": _ny(2027, 3, 1, 0, 30),
    "leap-day": _ny(2028, 2, 29, 12, 0),
    "spring-forward-before": _ny(2027, 3, 14, 1, 30),
    "spring-forward-after": _ny(2027, 3, 14, 3, 30),
    "fall-back-first": _ny(2027, 11, 7, 1, 30, fold=0),  # 01:30 EDT
    "fall-back-repeat": _ny(2027, 11, 7, 1, 30, fold=1),  # 01:30 EST, an hour later
    "thanksgiving": _ny(2026, 11, 26, 10, 0),
    "new-years-eve": _ny(2026, 12, 31, 23, 45),
    "saturday": _ny(2027, 1, 16, 10, 0),
    "sunday": _ny(2027, 1, 17, 10, 0),
    "weekday-early": _ny(2027, 1, 13, 6, 55),
    "weekday-late": _ny(2027, 1, 13, 19, 5),
}

ENV_AT = "TEST_CLOCK_AT"
ENV_ORIGIN = "TEST_CLOCK_ORIGIN"


def configured_instant() -> datetime:
    """``TEST_NOW`` when set (an ISO instant with its offset), else ``DEFAULT_INSTANT``."""
    value = os.environ.get("TEST_NOW", "").strip()
    if not value:
        return DEFAULT_INSTANT
    instant = datetime.fromisoformat(value)
    if instant.utcoffset() is None:
        raise ValueError(f"TEST_NOW needs an offset, e.g. 2027-03-14T01:30-05:00: {value!r}")
    return instant.astimezone(UTC)


def describe(instant: datetime) -> str:
    local = instant.astimezone(NEW_YORK)
    return f"{local:%a %Y-%m-%d %H:%M %Z} ({local.isoformat(timespec='minutes')})"


def publish(instant: datetime, *, real_now: float) -> None:
    """Tell processes started from now on where this process's clock stands."""
    os.environ[ENV_AT] = instant.isoformat()
    os.environ[ENV_ORIGIN] = repr(real_now)


def travel_for_child():
    """The traveller that puts a child process on its parent test's clock (None: no clock)."""
    import time_machine

    at, origin = os.environ.get(ENV_AT), os.environ.get(ENV_ORIGIN)
    if not (at and origin):
        return None
    elapsed = time.time() - float(origin)  # real time: nothing has travelled in this process yet
    return time_machine.travel(datetime.fromisoformat(at).timestamp() + elapsed, tick=True)


def main(argv: list[str]) -> None:
    """``python -m tests.clock MODULE|SCRIPT.py [ARGS…]``: run it as ``python`` would, on the
    parent test's clock. ``--now`` prints that clock's time instead (the suite checks it)."""
    if not argv:
        raise SystemExit("usage: python -m tests.clock MODULE [ARGS...] | --now")
    traveller = travel_for_child()
    if traveller is not None:
        traveller.start()
    if argv == ["--now"]:
        print(datetime.now(UTC).isoformat())
        return
    sys.argv = argv
    if argv[0].endswith(".py"):  # a script, such as manage.py
        runpy.run_path(argv[0], run_name="__main__")
    else:
        runpy.run_module(argv[0], run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    main(sys.argv[1:])

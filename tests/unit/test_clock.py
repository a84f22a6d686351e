"""The suite's clock (tests/clock.py): pinned in this process and shared with its children."""

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from django.utils import timezone

from tests import clock
from tests.unit.test_pure_imports import REPO_ROOT


def test_this_process_starts_every_test_at_the_pinned_instant(clock_instant):
    assert abs(timezone.now() - clock_instant) < timedelta(seconds=5)
    assert abs(datetime.now(UTC) - clock_instant) < timedelta(seconds=5)


def test_the_clock_ticks(pinned_clock):
    before = timezone.now()
    pinned_clock.shift(timedelta(minutes=90))
    assert timedelta(minutes=90) <= timezone.now() - before < timedelta(minutes=91)


def test_a_child_process_shares_the_tests_clock(clock_instant):
    completed = subprocess.run(
        [sys.executable, "-m", "tests.clock", "--now"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    child_now = datetime.fromisoformat(completed.stdout.strip())
    # The child started a moment after this test did: its clock is the test's, moved on by that.
    assert clock_instant <= child_now < timezone.now() + timedelta(seconds=1)


def test_the_sweep_covers_the_awkward_instants():
    local = {name: t.astimezone(clock.NEW_YORK) for name, t in clock.SWEEP_INSTANTS.items()}
    assert local["leap-day"].date().isoformat() == "2028-02-29"
    # Both 01:30s of the night the clocks go back, an hour apart.
    first, repeat = (
        clock.SWEEP_INSTANTS["fall-back-first"],
        clock.SWEEP_INSTANTS["fall-back-repeat"],
    )
    assert repeat - first == timedelta(hours=1)
    assert local["fall-back-first"].strftime("%H:%M") == local["fall-back-repeat"].strftime("%H:%M")
    # 01:30 EST to 03:30 EDT is one real hour: 02:00–03:00 does not exist that night.
    spring = (
        clock.SWEEP_INSTANTS["spring-forward-after"] - clock.SWEEP_INSTANTS["spring-forward-before"]
    )
    assert spring == timedelta(hours=1)
    assert {local["saturday"].weekday(), local["sunday"].weekday()} == {5, 6}

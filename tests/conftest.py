"""Fixtures shared by every layer of the suite."""

import os
import socket
from collections import Counter

import pytest
import time_machine
from django.apps import apps
from django.conf import settings

from itband.reference_data import create_reference_data
from tests import clock


# --- The clock (tests/clock.py): no test reads the wall clock ------------------------------------
def pytest_addoption(parser):
    parser.addoption(
        "--clock-sweep",
        action="store_true",
        help="run each date_sensitive test at every instant of tests.clock.SWEEP_INSTANTS",
    )


def pytest_configure(config):
    config.addinivalue_line(
        "markers", "date_sensitive: depends on the date or time of day; swept by --clock-sweep"
    )
    # Session fixtures (the test database, the live server) run on the pinned clock too.
    config._session_clock = time_machine.travel(clock.configured_instant(), tick=True)
    config._session_clock.start()
    if config.getoption("clock_sweep"):
        config.pluginmanager.register(SweepReport(), "clock-sweep-report")


def pytest_unconfigure(config):
    traveller = getattr(config, "_session_clock", None)
    if traveller is not None:
        traveller.stop()


def pytest_generate_tests(metafunc):
    if (
        metafunc.config.getoption("clock_sweep")
        and metafunc.definition.get_closest_marker("date_sensitive")
        and "clock_instant" in metafunc.fixturenames
    ):
        metafunc.parametrize(
            "clock_instant",
            list(clock.SWEEP_INSTANTS.values()),
            ids=list(clock.SWEEP_INSTANTS),
            indirect=True,
        )


class SweepReport:
    """Counts the swept tests' outcomes per instant and prints a line for each at the end."""

    def __init__(self) -> None:
        self.instant_of: dict[str, str] = {}  # node id -> sweep instant name
        self.results: dict[str, Counter] = {name: Counter() for name in clock.SWEEP_INSTANTS}
        names = {instant: name for name, instant in clock.SWEEP_INSTANTS.items()}
        self._names = names

    def pytest_collection_modifyitems(self, items):
        for item in items:
            callspec = getattr(item, "callspec", None)
            if callspec is not None and "clock_instant" in callspec.params:
                self.instant_of[item.nodeid] = self._names[callspec.params["clock_instant"]]

    def pytest_runtest_logreport(self, report):
        name = self.instant_of.get(report.nodeid)
        if name is not None and (report.when == "call" or report.outcome != "passed"):
            self.results[name][report.outcome] += 1

    def pytest_terminal_summary(self, terminalreporter):
        terminalreporter.section("date sweep: date_sensitive tests per instant")
        for name, instant in clock.SWEEP_INSTANTS.items():
            counts = self.results[name]
            summary = ", ".join(f"{n} {outcome}" for outcome, n in sorted(counts.items()))
            line = f"{name:<22} {clock.describe(instant):<50} {summary or 'none ran'}"
            terminalreporter.write_line(line, red=bool(counts["failed"]))


@pytest.fixture
def clock_instant(request):
    """The instant this test starts at: the sweep's, ``TEST_NOW``, or the default."""
    return getattr(request, "param", None) or clock.configured_instant()


@pytest.fixture(autouse=True)
def pinned_clock(clock_instant):
    """Every test starts at its pinned instant and the clock ticks from there. Processes the
    test starts with ``python -m tests.clock`` share it (tests/clock.py)."""
    clock.publish(clock_instant, real_now=time_machine.escape_hatch.time.time())
    with time_machine.travel(clock_instant, tick=True) as traveller:
        yield traveller


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def reference_data(db):
    """Roles and policy pages: made by a migration, but flushed by transactional tests."""
    create_reference_data(apps)


@pytest.fixture
def on_postgres() -> bool:
    return settings.DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql"


@pytest.fixture
def requires_postgres(on_postgres):
    if not on_postgres:
        pytest.skip("needs PostgreSQL (make test provides it)")


@pytest.fixture
def requires_redis():
    if not os.environ.get("REDIS_URL"):
        pytest.skip("needs Redis (make test provides it)")
    return os.environ["REDIS_URL"]


@pytest.fixture
def front_desk_user(reference_data):
    from tests.factories import StaffFactory

    return StaffFactory(username="desk1", roles=["Front desk"])


@pytest.fixture
def clinician_user(reference_data):
    from tests.factories import StaffFactory

    return StaffFactory(username="clin1", roles=["Clinician"])


@pytest.fixture
def desk_client(front_desk_user):
    """A test client signed in as the front desk user (force_login: no password, no code)."""
    from django.test import Client

    client = Client()
    client.force_login(front_desk_user)
    return client


@pytest.fixture
def clinician_client(clinician_user):
    from django.test import Client

    client = Client()
    client.force_login(clinician_user)
    return client


@pytest.fixture(autouse=True)
def fresh_schedule_cache():
    """Each test starts without the per-process schedule copies (booking.schedule_cache):
    a rolled-back or flushed test's rows must not be shown to the next."""
    from booking import schedule_cache

    schedule_cache.clear_local()
    yield
    schedule_cache.clear_local()


@pytest.fixture(autouse=True)
def outbox_nudges_not_paused(monkeypatch):
    """A broker failure in one test pauses this process's nudges (itband.outbox): not the
    next test's."""
    from itband import outbox

    monkeypatch.setattr(outbox, "_nudges_paused_until", float("-inf"))

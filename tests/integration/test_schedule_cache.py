"""booking.schedule_cache: public pages show the schedule from a per-process copy, and every way
the schedule changes shows on them (here at once, from another server within a second).

Transactional tests: inside a transaction the copy is never used, so the ordinary
(rolled-back) tests do not exercise it.
"""

import re
from datetime import date, time, timedelta

import pytest
from django.apps import apps
from django.contrib.auth.models import update_last_login
from django.core.cache import caches
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking import schedule_cache, services, waitlist
from booking.models import Appointment, AppointmentType, Closure, TimeOff, WaitlistOffer
from booking.services import PatientDetails, SlotTaken, appointment_book
from tests.factories import (
    RUNNER_DETAILS,
    ClinicianFactory,
    PatientFactory,
    booking_clinic,
    local_time,
    submitted_intake,
)

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.date_sensitive]

# safety=none: the safety question answered "None of these" (booking.rules.screen_required).
PICKER = "/book/?location=bethesda&type=initial-evaluation&clinician=any&safety=none"


@pytest.fixture
def clinic(reference_data):
    return booking_clinic(start=time(9), end=time(12))


@pytest.fixture
def day():
    return timezone.localdate() + timedelta(days=3)


def shared():
    return caches[schedule_cache.CACHE_ALIAS]


def day_page(client, day):
    html = client.get(f"{PICKER}&date={day.isoformat()}").content.decode()
    return day, html


def times(page) -> list[str]:
    """The times offered on the day asked for, as their start parameters (a day without any
    shows the first day that has some instead)."""
    day, html = page
    found = re.findall(r'href="/book/details/\?[^"]*start=([^"&]+)', html)
    return [start for start in found if start.startswith(day.isoformat())]


def nine_oclock(clinic, day) -> Appointment:
    return Appointment(
        patient=PatientFactory(),
        clinician=clinic.clinician,
        location=clinic.location,
        appointment_type=clinic.types["initial-evaluation"],
        start=local_time(clinic.location, day, 9),
        end=local_time(clinic.location, day, 10),
    )


def book_nine_elsewhere(clinic, day) -> None:
    """9:00 taken without a signal reaching this process (bulk_create sends none), as a
    booking on another server would be."""
    Appointment.objects.bulk_create([nine_oclock(clinic, day)])


def test_the_second_visitor_reads_no_schedule_rows(client, clinic, day):
    day_page(client, day)
    with CaptureQueriesContext(connection) as queries:
        page = day_page(client, day)
    assert times(page)
    assert [q["sql"] for q in queries] == []


def test_a_booking_here_shows_at_once(client, clinic, day):
    before = times(day_page(client, day))
    assert any("T09%3A00" in t for t in before)
    nine_oclock(clinic, day).save()
    after = times(day_page(client, day))
    assert not any("T09%3A00" in t for t in after)
    assert len(after) < len(before)


@pytest.mark.parametrize(
    "change", ["time off", "closure", "account made inactive", "removed from the clinic"]
)
def test_every_kind_of_schedule_change_shows(client, clinic, day, change):
    assert times(day_page(client, day))
    if change == "time off":
        TimeOff.objects.create(
            clinician=clinic.clinician,
            start=local_time(clinic.location, day, 0),
            end=local_time(clinic.location, day, 23),
        )
    elif change == "closure":
        Closure.objects.create(location=clinic.location, date=day, reason="Snow")
    elif change == "removed from the clinic":
        clinic.clinician.locations.remove(clinic.location)
    else:
        clinic.clinician.user.is_active = False
        clinic.clinician.user.save()
    assert times(day_page(client, day)) == []


def test_another_servers_change_shows_once_it_publishes_a_generation(
    client, clinic, day, monkeypatch
):
    """What another process does: its rows change (no signal reaches this process) and, after
    its commit, the shared generation changes."""
    assert any("T09%3A00" in t for t in times(day_page(client, day)))
    book_nine_elsewhere(clinic, day)
    assert any("T09%3A00" in t for t in times(day_page(client, day)))  # this process's copy

    shared().set(schedule_cache.GENERATION_KEY, "from-another-server", timeout=None)
    monkeypatch.setattr(schedule_cache, "CHECK_EVERY", 0.0)  # instead of waiting a second
    assert not any("T09%3A00" in t for t in times(day_page(client, day)))


def test_a_copy_expires_by_age_even_without_a_new_generation(client, clinic, day, monkeypatch):
    day_page(client, day)
    Closure.objects.bulk_create([Closure(location=clinic.location, date=day, reason="Snow")])
    assert times(day_page(client, day))
    monkeypatch.setattr(schedule_cache, "MAX_AGE", 0.0)
    assert times(day_page(client, day)) == []


def test_a_write_publishes_a_new_generation_after_commit(clinic):
    before = shared().get(schedule_cache.GENERATION_KEY)
    with transaction.atomic():
        Closure.objects.create(location=clinic.location, date=timezone.localdate(), reason="x")
        assert shared().get(schedule_cache.GENERATION_KEY) == before  # not before commit
    assert shared().get(schedule_cache.GENERATION_KEY) != before


def test_a_transaction_publishes_one_generation_however_many_rows_it_writes(clinic, monkeypatch):
    published = []
    monkeypatch.setattr(schedule_cache, "_publish_generation", lambda: published.append(1))
    today = timezone.localdate()
    with transaction.atomic():
        for n in range(20):
            Closure.objects.create(location=clinic.location, date=today + timedelta(days=n))
    assert published == [1]
    published.clear()
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint whose change is rolled back...
                Closure.objects.create(location=clinic.location, date=today - timedelta(days=1))
                raise RuntimeError
        except RuntimeError:
            pass
        # ...takes its callback with it: the next change registers one again.
        Closure.objects.create(location=clinic.location, date=today - timedelta(days=2))
    assert published == [1]


def test_nothing_is_kept_from_inside_a_transaction(clinic):
    calls = []

    def load():
        calls.append(1)
        return len(calls)

    with transaction.atomic():
        assert schedule_cache.cached("k", load) == 1
    assert schedule_cache.cached("k", load) == 2  # loaded again, outside: now kept
    assert schedule_cache.cached("k", load) == 2


def test_the_page_still_answers_when_the_generation_cannot_be_read(
    client, clinic, day, monkeypatch
):
    def broken(*args, **kwargs):
        raise DatabaseError("cache table away")

    monkeypatch.setattr(shared(), "get", broken)
    monkeypatch.setattr(shared(), "add", broken)
    assert times(day_page(client, day))
    with CaptureQueriesContext(connection) as queries:
        day_page(client, day)
    assert len(queries) >= 4  # no copies: the rows are read every time


def test_booking_checks_the_database_not_the_copy(client, clinic, day):
    """A copy that still offers a taken time leads to "just taken", never to a double booking."""
    offered = times(day_page(client, day))
    nine = next(t for t in offered if "T09%3A00" in t)
    book_nine_elsewhere(clinic, day)  # no signal: the copy still offers 9:00
    assert nine in times(day_page(client, day))
    with pytest.raises(SlotTaken):
        appointment_book(
            start=local_time(clinic.location, day, 9),
            appointment_type=clinic.types["initial-evaluation"],
            location=clinic.location,
            clinician=clinic.clinician,
            patient=PatientDetails(
                first_name="Riley",
                last_name="Runner",
                email="riley@example.com",
                phone="(301) 555-0100",
                date_of_birth=date(1990, 4, 23),
            ),
        )
    assert Appointment.objects.count() == 1


def test_the_picker_lists_clinicians_as_they_join_and_leave_a_clinic(client, clinic):
    assert "Newcomer" not in client.get(PICKER).content.decode()
    newcomer = ClinicianFactory(display_name="Newcomer, PT, DPT", locations=[clinic.location])
    assert "Newcomer" in client.get(PICKER).content.decode()
    newcomer.locations.remove(clinic.location)
    assert "Newcomer" not in client.get(PICKER).content.decode()


def test_clinic_details_in_the_footer_follow_an_edit(client, clinic):
    assert "(301) 555-0199" not in client.get("/").content.decode()
    clinic.location.phone = "(301) 555-0199"
    clinic.location.save()
    assert "(301) 555-0199" in client.get("/").content.decode()


def test_a_sign_in_keeps_the_copies(client, clinic, day):
    """A sign-in saves last_login only (django.contrib.auth's update_last_login): not a
    schedule change."""
    day_page(client, day)
    update_last_login(None, clinic.clinician.user)
    with CaptureQueriesContext(connection) as queries:
        day_page(client, day)
    assert not [q for q in queries if "booking_weeklyavailability" in q["sql"]]


def test_the_generation_survives_the_default_cache_filling_up(clinic, client, day):
    """Rate-limit counters fill the default cache, which then culls a third of its keys; the
    generation lives in a table of its own."""
    day_page(client, day)
    generation = shared().get(schedule_cache.GENERATION_KEY)
    default = caches["default"]
    for n in range(400):
        default.set(f"rl:filler:{n}", n, timeout=600)
    assert shared().get(schedule_cache.GENERATION_KEY) == generation


def test_a_booking_is_checked_against_the_database_not_the_copy(client, clinic, day):
    """The copy still lists a visit type another server has just withdrawn: the booking POST
    reads the clinics and types afresh and books nothing."""
    start = local_time(clinic.location, day, 9)
    params = {
        "location": clinic.location.slug,
        "type": "initial-evaluation",
        "clinician": "any",
        "start": start.isoformat(),
        "safety": "none",
    }
    assert client.get("/book/details/", params).status_code == 200  # copy made
    AppointmentType.objects.filter(slug="initial-evaluation").update(is_active=False)
    assert client.get("/book/details/", params).status_code == 200  # still from the copy
    response = client.post(
        "/book/details/",
        {**params, **RUNNER_DETAILS},
    )
    assert response.status_code == 302
    assert not Appointment.objects.exists()


# --- The copies' list of models is complete ---------------------------------------------------
def tables_read(queries) -> set[str]:
    found: set[str] = set()
    for query in queries:
        found.update(re.findall(r'(?:FROM|JOIN)\s+"?(\w+)"?', query["sql"]))
    return found


def models_read_by_the_copies(clinic, day) -> set:
    """Every model whose rows the cached loaders read: the clinics, types and clinicians of
    booking.directory, and the slot engine's rows behind a slot list."""
    from booking import directory, selectors

    with CaptureQueriesContext(connection) as queries:
        directory.active_locations(fresh=True)
        directory.bookable_types(fresh=True)
        directory.clinicians_at(clinic.location, fresh=True)
        selectors.available_days(
            location=clinic.location,
            appointment_type=clinic.types["initial-evaluation"],
            start_date=day,
            end_date=day + timedelta(days=13),
        )
    tables = tables_read(queries)
    return {m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in tables}


def waitlist_hold(clinic, day) -> WaitlistOffer:
    entry = waitlist.waitlist_join(
        patient=services.PatientDetails(
            first_name="Wait", last_name="Listed", email="wait@example.com",
            phone="(301) 555-0100", date_of_birth=date(1990, 1, 1),
        ),
        locations=[clinic.location], appointment_type=clinic.types["initial-evaluation"],
        clinician=None, times=["mon-morning"], until=day,
    )  # fmt: skip
    return WaitlistOffer.objects.create(
        entry=entry,
        location=clinic.location,
        clinician=clinic.clinician,
        appointment_type=clinic.types["initial-evaluation"],
        start=local_time(clinic.location, day, 10),
        end=local_time(clinic.location, day, 11),
        expires_at=timezone.now() + timedelta(minutes=30),
    )


def write_one(model, clinic, day) -> None:
    """Change one row of ``model`` the way the admin, the desk or a booking would."""
    if model._meta.auto_created:  # a many-to-many table: Clinician.locations
        clinic.clinician.locations.remove(clinic.location)
        return
    if model is Appointment:
        nine_oclock(clinic, day).save()
        return
    if model is WaitlistOffer:  # a time held for a waitlist runner (booking.waitlist)
        waitlist_hold(clinic, day)
        return
    row = model.objects.first()
    assert row is not None, f"no {model.__name__} row to write"
    row.save()


def test_every_model_the_copies_read_clears_them_when_written(client, clinic, day):
    """A new model read by the slot engine or the directory, without a signal in booking.apps,
    would leave every process showing stale times for up to a minute: this test names it."""
    TimeOff.objects.create(  # a row to re-save; another week, so today's times stay
        clinician=clinic.clinician,
        start=local_time(clinic.location, day + timedelta(days=20), 9),
        end=local_time(clinic.location, day + timedelta(days=20), 10),
    )
    Closure.objects.create(location=clinic.location, date=day + timedelta(days=21), reason="x")
    read = models_read_by_the_copies(clinic, day)
    assert {m.__name__ for m in read} >= {
        "Location",
        "AppointmentType",
        "Clinician",
        "WeeklyAvailability",
        "TimeOff",
        "Closure",
        "Appointment",
        "User",
    }
    for model in sorted(read, key=lambda m: m._meta.label):
        calls = []

        def load(calls=calls):
            calls.append(1)
            return len(calls)

        key = ("completeness", model._meta.label)
        assert schedule_cache.cached(key, load) == 1
        assert schedule_cache.cached(key, load) == 1  # kept
        write_one(model, clinic, day)
        assert schedule_cache.cached(key, load) == 2, f"a {model._meta.label} write kept the copy"


def test_new_weekly_hours_reach_the_slot_list(client, clinic, day):
    from booking.models import WeeklyAvailability
    from booking.services import weekly_hours_add

    assert not any("T13%3A00" in t for t in times(day_page(client, day)))
    weekly_hours_add(
        clinician=clinic.clinician,
        location=clinic.location,
        weekday=day.weekday(),
        start=time(13),
        end=time(16),
    )
    assert any("T13%3A00" in t for t in times(day_page(client, day)))
    WeeklyAvailability.objects.filter(start=time(13)).delete()
    assert not any("T13%3A00" in t for t in times(day_page(client, day)))


def test_time_off_reaches_the_slot_list_and_its_removal_gives_the_times_back(client, clinic, day):
    before = times(day_page(client, day))
    assert any("T09%3A00" in t for t in before)
    off = TimeOff.objects.create(
        clinician=clinic.clinician,
        start=local_time(clinic.location, day, 9),
        end=local_time(clinic.location, day, 10),
    )
    assert not any("T09%3A00" in t for t in times(day_page(client, day)))
    off.delete()
    assert times(day_page(client, day)) == before


def test_the_results_next_times_are_kept_with_the_copies_and_follow_a_booking(clinic):
    """The v2 result's "next three times" at a clinic are the same for every runner: kept
    with the schedule copies, and a booking of one of them shows on the next view at once."""
    from booking.selectors import next_openings

    initial = clinic.types["initial-evaluation"]
    first = next_openings(location=clinic.location, appointment_type=initial)
    assert len(first) == 3
    with CaptureQueriesContext(connection) as queries:
        again = next_openings(location=clinic.location, appointment_type=initial)
    assert again == first and len(queries) == 0  # the second runner reads no rows

    appointment_book(
        start=first[0].start,
        appointment_type=initial,
        location=clinic.location,
        clinician=clinic.clinician,  # the clinic's only clinician: the time is gone
        patient=PatientDetails(
            first_name="Riley",
            last_name="Runner",
            email="riley@example.com",
            phone="(301) 555-0100",
            date_of_birth=date(1990, 4, 23),
        ),
    )
    after = next_openings(location=clinic.location, appointment_type=initial)
    assert first[0].start not in [option.start for option in after] and len(after) == 3


def test_the_pickers_fields_follow_a_change_to_the_clinic_or_its_clinicians(client, clinic):
    """The picker's radios and clinician select are kept with the schedule copies
    (booking.views.picker_fields): a change shows at once, an intake's recommendation
    is never shown to someone else."""
    html = client.get(PICKER).content.decode()
    assert clinic.location.street in html
    assert html.count('<option value="') == 1 + 1  # first available + one clinician
    clinic.location.street = "1 New Street"
    clinic.location.save()
    ClinicianFactory(locations=[clinic.location], display_name="Robin New, PT, DPT")
    html = client.get(PICKER).content.decode()
    assert "1 New Street" in html
    assert "Robin New, PT, DPT" in html

    intake = submitted_intake()  # recommends the evaluation with gait analysis
    picked = {"location": "bethesda", "type": "initial-evaluation-gait"}
    mine = client.get("/book/", {"intake": intake.token, **picked}).content
    theirs = client.get("/book/", {"safety": "none", **picked}).content
    assert b'id="type-initial-evaluation-gait" checked' in theirs
    assert b"Recommended for you" in mine
    assert b"Recommended for you" not in theirs


def test_each_runners_result_links_its_own_times_from_the_kept_markup(client, clinic):
    """The v2 result's times are kept as markup for every runner with a placeholder for the
    intake's token (booking/templatetags/openings.py): each page links with its own token
    only."""
    from assessments.demo import submit_v2

    riley = submit_v2(
        first="Riley", last="Runner", email="riley@example.com", date_of_birth=date(1990, 4, 23)
    )
    casey = submit_v2(
        first="Casey", last="Strider", email="casey@example.com", date_of_birth=date(1988, 6, 1)
    )
    pages = {}
    for intake in (riley, casey, riley):
        pages[intake.token] = client.get(f"/assessment/{intake.token}/result/").content.decode()
    for mine, other in ((riley, casey), (casey, riley)):
        html = pages[mine.token]
        links = re.findall(r'class="btn btn-outline-brand opening-time" href="([^"]+)"', html)
        assert len(links) == 3
        assert all(f"intake={mine.token}" in link for link in links)
        assert other.token not in html and "placeholder" not in html

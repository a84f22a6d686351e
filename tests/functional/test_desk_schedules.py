"""The front desk edits clinicians' hours, time off and closures, and online slots follow."""

from datetime import date, datetime, time, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from booking.models import Closure, TimeOff, WeeklyAvailability
from booking.selectors import available_slots
from tests.factories import (
    AppointmentFactory,
    ClinicianFactory,
    LocationFactory,
    booking_clinic,
    local_time,
)

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def desk(client, front_desk_user):
    client.force_login(front_desk_user)
    return client


@pytest.fixture
def clinic(reference_data):
    """Bethesda, a clinician working 8:00 AM–5:00 PM every day, and McLean next door."""
    clinic = booking_clinic()
    clinic.mclean = LocationFactory(name="McLean", city="McLean", region="VA")
    return clinic


@pytest.fixture
def day() -> date:
    return timezone.localdate() + timedelta(days=5)


def slots(clinic, day: date, location=None) -> list[datetime]:
    return [
        option.start.astimezone(NEW_YORK)
        for option in available_slots(
            location=location or clinic.location,
            appointment_type=clinic.types["initial-evaluation"],
            clinician=clinic.clinician,
            start_date=day,
            end_date=day,
        )
    ]


def html_of(response) -> str:
    return unescape(response.content.decode())


def schedule_url(clinician) -> str:
    return f"/desk/schedules/clinicians/{clinician.pk}/"


def add_hours(client, clinician, location, weekday: int, start: str, end: str, **extra):
    data = {
        "action": "add_hours",
        "location": location.pk,
        "weekday": weekday,
        "start": start,
        "end": end,
    }
    return client.post(schedule_url(clinician), {**data, **extra}, follow=True)


# --- Weekly hours ----------------------------------------------------------------------------
@pytest.mark.date_sensitive
def test_adding_hours_offers_new_slots_at_once(desk, clinic, day):
    WeeklyAvailability.objects.all().delete()
    clinic.clinician.locations.clear()
    assert slots(clinic, day) == []

    response = add_hours(desk, clinic.clinician, clinic.location, day.weekday(), "07:00", "12:00")
    assert response.redirect_chain == [(schedule_url(clinic.clinician), 302)]
    assert f"Hours added: {day:%A}, Bethesda 7:00 AM–12:00 PM." in html_of(response)

    offered = slots(clinic, day)
    assert offered[0].time() == time(7) and offered[-1].time() == time(11)
    assert clinic.location in clinic.clinician.locations.all()  # listed at that clinic too
    overview = html_of(desk.get("/desk/schedules/"))
    assert clinic.clinician.display_name in overview and "Bethesda 7:00 AM–12:00 PM" in overview


@pytest.mark.date_sensitive
def test_removing_hours_is_confirmed_first_and_removes_slots(desk, clinic, day):
    block = WeeklyAvailability.objects.get(clinician=clinic.clinician, weekday=day.weekday())
    assert slots(clinic, day)
    confirm = html_of(desk.get(schedule_url(clinic.clinician), {"remove_hours": block.pk}))
    assert f"Remove {day:%A} hours at Bethesda, 8:00 AM–5:00 PM?" in confirm
    assert "Remove these hours" in confirm
    assert WeeklyAvailability.objects.filter(pk=block.pk).exists()  # a GET changes nothing

    response = desk.post(
        schedule_url(clinic.clinician), {"action": "remove_hours", "pk": block.pk}, follow=True
    )
    assert f"Hours removed: {day:%A}, Bethesda 8:00 AM–5:00 PM." in html_of(response)
    assert not WeeklyAvailability.objects.filter(pk=block.pk).exists()
    assert slots(clinic, day) == []
    again = desk.post(
        schedule_url(clinic.clinician), {"action": "remove_hours", "pk": block.pk}, follow=True
    )
    assert "Those hours were already removed." in html_of(again)


def test_overlapping_hours_at_the_other_clinic_are_refused_next_to_the_fields(desk, clinic, day):
    WeeklyAvailability.objects.filter(clinician=clinic.clinician).update(
        start=time(7), end=time(12)
    )
    response = desk.post(
        schedule_url(clinic.clinician),
        {
            "action": "add_hours",
            "location": clinic.mclean.pk,
            "weekday": 0,
            "start": "11:00",
            "end": "15:00",
        },
    )
    assert response.status_code == 400
    html = html_of(response)
    assert "Overlaps this clinician's hours on Monday at Bethesda (7:00 AM–12:00 PM)." in html
    assert 'id="id_start_error"' in html and 'href="#id_start"' in html
    assert 'aria-describedby="id_start_helptext id_start_error"' in html
    assert html.count("is-invalid") == 1
    assert 'value="11:00"' in html and 'value="15:00"' in html  # the values are kept
    assert not WeeklyAvailability.objects.filter(location=clinic.mclean).exists()
    # Right after the morning block is fine.
    response = add_hours(desk, clinic.clinician, clinic.mclean, 0, "12:00", "15:00")
    assert "Hours added: Monday, McLean 12:00 PM–3:00 PM." in html_of(response)


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"start": "12:00", "end": "09:00"}, "end", "The hours must end after they start."),
        ({"start": "10:00", "end": "10:00"}, "end", "The hours must end after they start."),
        ({"start": "25:99"}, "start", "Enter a time like 07:00."),
        ({"end": ""}, "end", "Enter the end time."),
        ({"weekday": "9"}, "weekday", "Choose a day of the week."),
        ({"weekday": "monday"}, "weekday", "Choose a day of the week."),
        ({"location": "999999"}, "location", "Choose one of the clinics."),
    ],
)
def test_bad_hours_are_explained(desk, clinic, changes, field, message):
    data = {
        "action": "add_hours",
        "location": clinic.mclean.pk,
        "weekday": 0,
        "start": "18:00",
        "end": "20:00",
    }
    response = desk.post(schedule_url(clinic.clinician), {**data, **changes})
    assert response.status_code == 400
    html = html_of(response)
    assert message in html and f'id="id_{field}_error"' in html
    assert not WeeklyAvailability.objects.filter(location=clinic.mclean).exists()


# --- Time off --------------------------------------------------------------------------------
def add_time_off(client, clinician, **fields):
    data = {
        "action": "add_time_off",
        "off_start_date": "",
        "off_start_time": "",
        "off_end_date": "",
        "off_end_time": "",
        "off_reason": "",
    }
    data.update({f"off_{name}": value for name, value in fields.items()})
    return client.post(schedule_url(clinician), data, follow=True)


@pytest.mark.date_sensitive
def test_a_day_off_removes_that_days_slots_only(desk, clinic, day):
    next_day = day + timedelta(days=1)
    before_next = slots(clinic, next_day)
    assert slots(clinic, day)
    response = add_time_off(desk, clinic.clinician, start_date=day.isoformat(), reason="Conference")
    assert "Time off added." in html_of(response)
    time_off = TimeOff.objects.get()
    # Interpreted in the clinic's zone: local midnight to the next local midnight.
    assert time_off.start == local_time(clinic.location, day, 0)
    assert time_off.end == local_time(clinic.location, next_day, 0)
    assert time_off.reason == "Conference"
    assert slots(clinic, day) == []
    assert slots(clinic, next_day) == before_next
    assert "Conference" in html_of(desk.get("/desk/schedules/"))


@pytest.mark.date_sensitive
def test_an_afternoon_off_keeps_the_morning(desk, clinic, day):
    add_time_off(
        desk,
        clinic.clinician,
        start_date=day.isoformat(),
        start_time="13:00",
        end_time="17:00",
    )
    times = [start.time() for start in slots(clinic, day)]
    assert time(8) in times and time(11, 45) in times
    assert all(start < time(12, 1) for start in times)  # a 60-minute visit ends by 13:00


@pytest.mark.date_sensitive
def test_removing_time_off_is_confirmed_and_gives_the_slots_back(desk, clinic, day):
    start = local_time(clinic.location, day, 0)
    time_off = TimeOff.objects.create(
        clinician=clinic.clinician, start=start, end=start + timedelta(days=1)
    )
    assert slots(clinic, day) == []
    confirm = html_of(desk.get(schedule_url(clinic.clinician), {"remove_time_off": time_off.pk}))
    assert "Remove this time off" in confirm
    response = desk.post(
        schedule_url(clinic.clinician),
        {"action": "remove_time_off", "pk": time_off.pk},
        follow=True,
    )
    assert "Time off removed." in html_of(response)
    assert slots(clinic, day)


@pytest.mark.date_sensitive
def test_time_off_over_a_booked_visit_warns_the_desk(desk, clinic, day):
    start = local_time(clinic.location, day, 10)
    AppointmentFactory(
        clinician=clinic.clinician,
        location=clinic.location,
        start=start,
        end=start + timedelta(hours=1),
    )
    response = add_time_off(desk, clinic.clinician, start_date=day.isoformat())
    html = html_of(response)
    assert "Time off added. 1 booked visit falls in it" in html
    # Listed under the time off, each with a link to move it.
    assert "1 booked visit in this time off" in html
    visit = clinic.clinician.appointments.get()
    assert f"/desk/appointments/{visit.pk}/reschedule/?clinician=any" in html


def next_spring_forward(today: date) -> date:
    """The second Sunday of March after today (US daylight saving time starts)."""
    year = today.year if today < date(today.year, 3, 1) else today.year + 1
    first = date(year, 3, 1)
    return first + timedelta(days=(6 - first.weekday()) % 7 + 7)


@pytest.mark.parametrize(
    "fields, field, message",
    [
        (
            {"start_date": "+1", "start_time": "15:00", "end_time": "09:00"},
            "off_end_time",
            "The time off must end after it starts.",
        ),
        (
            {"start_date": "+3", "end_date": "+1"},
            "off_end_date",
            "The last day cannot be before the first day.",
        ),
        ({"start_date": "-3", "end_date": "-2"}, "off_end_date", "This time off is already over."),
        ({"start_date": ""}, "off_start_date", "Enter the first day."),
        ({"start_date": "next week"}, "off_start_date", "Enter a date like 2026-05-04."),
        (
            {"start_date": "+1", "start_time": "9am-ish"},
            "off_start_time",
            "Enter a time like 13:00.",
        ),
        ({"start_date": "dst", "start_time": "02:30"}, "off_start_time", "does not exist that day"),
    ],
)
def test_bad_time_off_is_explained(desk, clinic, fields, field, message):
    today = timezone.localdate()

    def resolve(value: str) -> str:
        if value == "dst":
            return next_spring_forward(today).isoformat()
        if value[:1] in ("+", "-") and value[1:].isdigit():
            return (today + timedelta(days=int(value))).isoformat()
        return value

    response = add_time_off(
        desk, clinic.clinician, **{name: resolve(value) for name, value in fields.items()}
    )
    assert response.status_code == 400
    html = html_of(response)
    assert message in html and f'id="id_{field}_error"' in html
    assert not TimeOff.objects.exists()


# --- Closures --------------------------------------------------------------------------------
@pytest.mark.date_sensitive
def test_a_closure_removes_the_days_slots_at_that_clinic(desk, clinic, day):
    WeeklyAvailability.objects.create(
        clinician=ClinicianFactory(locations=[clinic.mclean]),
        location=clinic.mclean,
        weekday=day.weekday(),
        start=time(8),
        end=time(12),
    )

    def mclean_slots():
        return available_slots(
            location=clinic.mclean,
            appointment_type=clinic.types["initial-evaluation"],
            start_date=day,
            end_date=day,
        )

    assert slots(clinic, day) and mclean_slots()
    response = desk.post(
        "/desk/schedules/closures/",
        {"action": "add_closure", "clinic": "bethesda", "day": day.isoformat(), "reason": "Storm"},
        follow=True,
    )
    html = html_of(response)
    assert f"Closure added: Bethesda, {day:%A %B} {day.day}." in html
    assert "Storm" in html
    assert slots(clinic, day) == []
    assert mclean_slots()  # the other clinic stays open


@pytest.mark.date_sensitive
def test_closing_both_clinics_and_removing_one_closure(desk, clinic, day):
    response = desk.post(
        "/desk/schedules/closures/",
        {"action": "add_closure", "clinic": "both", "day": day.isoformat(), "reason": "Holiday"},
        follow=True,
    )
    assert "Closure added: Bethesda and McLean" in html_of(response)
    assert Closure.objects.filter(date=day).count() == 2
    again = desk.post(
        "/desk/schedules/closures/",
        {"action": "add_closure", "clinic": "both", "day": day.isoformat()},
    )
    assert again.status_code == 400
    assert "The clinic is already closed on that day." in html_of(again)

    bethesda = Closure.objects.get(location=clinic.location)
    confirm = html_of(desk.get("/desk/schedules/closures/", {"remove": bethesda.pk}))
    assert f"Reopen Bethesda on {day:%A, %B} {day.day}, {day.year}?" in confirm
    assert slots(clinic, day) == []
    response = desk.post(
        "/desk/schedules/closures/", {"action": "remove_closure", "pk": bethesda.pk}, follow=True
    )
    assert "Closure removed." in html_of(response)
    assert slots(clinic, day)
    assert list(Closure.objects.values_list("location__name", flat=True)) == ["McLean"]


@pytest.mark.parametrize(
    "changes, field, message",
    [
        ({"day": "-1"}, "day", "The date is in the past."),
        ({"day": "tomorrow"}, "day", "Enter a date like 2026-11-26."),
        ({"day": ""}, "day", "Enter the date."),
        ({"clinic": "atlantis"}, "clinic", "Choose a clinic or both clinics."),
    ],
)
def test_bad_closures_are_explained(desk, clinic, changes, field, message):
    data = {"action": "add_closure", "clinic": "both", "day": "+2", "reason": ""}
    data.update(changes)
    if data["day"][:1] in ("+", "-"):
        data["day"] = (timezone.localdate() + timedelta(days=int(data["day"]))).isoformat()
    response = desk.post("/desk/schedules/closures/", data)
    assert response.status_code == 400
    html = html_of(response)
    assert message in html and f'id="id_{field}_error"' in html
    assert not Closure.objects.exists()


@pytest.mark.date_sensitive
def test_past_closures_are_not_listed(desk, clinic, day):
    Closure.objects.create(location=clinic.location, date=timezone.localdate() - timedelta(days=1))
    upcoming = Closure.objects.create(location=clinic.location, date=day, reason="Upcoming")
    listed = desk.get("/desk/schedules/closures/").context["closures"]
    assert [c.pk for c in listed] == [upcoming.pk]


# --- Garbage, queries, roles -----------------------------------------------------------------
@pytest.mark.parametrize(
    "data",
    [
        {},
        {"action": "drop_tables"},
        {"action": "remove_hours", "pk": "abc"},
        {"action": "remove_time_off", "pk": "-1"},
        {"action": "add_hours"},
        {"action": "add_time_off"},
    ],
)
def test_garbage_posts_never_break_the_schedule_page(desk, clinic, data):
    response = desk.post(schedule_url(clinic.clinician), data)
    assert response.status_code in (302, 400)


@pytest.mark.parametrize(
    "params", [{"remove_hours": "x"}, {"remove_time_off": "99999"}, {"remove": "1e9"}]
)
def test_garbage_confirmations_are_ignored(desk, clinic, params):
    assert desk.get(schedule_url(clinic.clinician), params).status_code == 200
    assert desk.get("/desk/schedules/closures/", params).status_code == 200
    assert desk.post("/desk/schedules/closures/", {"action": "x"}).status_code == 302


def test_unknown_clinician_is_a_404(desk, reference_data):
    assert desk.get("/desk/schedules/clinicians/999999/").status_code == 404


def test_schedules_overview_query_count_is_flat(desk, clinic, day):
    def measure() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert desk.get("/desk/schedules/").status_code == 200
        return len(queries)

    few = measure()
    for n in range(4):
        extra = ClinicianFactory(locations=[clinic.location])
        WeeklyAvailability.objects.create(
            clinician=extra, location=clinic.mclean, weekday=n, start=time(9), end=time(12)
        )
        start = local_time(clinic.location, day, 0)
        TimeOff.objects.create(clinician=extra, start=start, end=start + timedelta(hours=5))
    assert measure() == few


URLS = ["/desk/schedules/", "/desk/schedules/clinicians/{pk}/", "/desk/schedules/closures/"]


@pytest.mark.parametrize("url", URLS)
def test_role_matrix(client, clinic, clinician_user, front_desk_user, url):
    url = url.format(pk=clinic.clinician.pk)
    assert client.get(url)["Location"].startswith("/accounts/login/")
    client.force_login(clinician_user)
    assert client.get(url).status_code == 403
    post = client.post(url, {"action": "add_closure", "clinic": "both", "day": "2030-01-01"})
    assert post.status_code in (403, 405)
    assert not Closure.objects.exists()
    client.force_login(front_desk_user)
    assert client.get(url).status_code == 200

"""The front desk's second version at 1366×768 (issue 16): the day as a time grid, time off
on the book, namesakes told apart.

With SCREENSHOTS_DIR set (scripts/screenshots.sh) the tests also save the pictures in
docs/screenshots/."""

import re
from datetime import date, time, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import Page, expect

from booking.models import TimeOff
from itband.models import OutboxMessage
from tests.e2e.conftest import assert_accessible, screenshot
from tests.e2e.test_clinician_review import sign_in
from tests.factories import (
    AppointmentFactory,
    PatientFactory,
    StaffFactory,
    booking_clinic,
    local_time,
)

pytestmark = pytest.mark.e2e

DESK = {"width": 1366, "height": 768}


def visit(clinic, clinician, day: date, hour: int, minute: int, minutes: int, patient, kind):
    start = local_time(clinic.location, day, hour, minute)
    return AppointmentFactory(
        clinician=clinician,
        location=clinic.location,
        start=start,
        end=start + timedelta(minutes=minutes),
        appointment_type=clinic.types[kind],
        patient=patient,
    )


@pytest.fixture
def busy_day():
    """Today at Bethesda: two clinicians 7:00–19:00 (a long day: it still prints on one page), three patients named Avery Rossi, and
    Dr B. off sick from 13:00 with a visit booked in that time."""
    StaffFactory(username="fran", roles=["Front desk"])
    clinic = booking_clinic(clinicians=2, start=time(7), end=time(19))
    today = timezone.localdate()
    dr_a, dr_b = clinic.clinicians
    averys = [
        PatientFactory(
            first_name="Avery",
            last_name="Rossi",
            date_of_birth=date(born, 3, 14),
            phone=phone,
            email=f"avery{born}@example.com",
        )
        for born, phone in ((1990, "301-555-0142"), (2009, "240-555-7788"), (1975, "703-555-3321"))
    ]
    visit(clinic, dr_a, today, 11, 0, 60, averys[0], "initial-evaluation")
    visit(clinic, dr_a, today, 12, 30, 90, averys[1], "initial-evaluation-gait")
    visit(clinic, dr_b, today, 11, 0, 45, averys[2], "follow-up")
    sick = visit(
        clinic, dr_b, today, 14, 0, 60, PatientFactory(first_name="Maya", last_name="Brooks"),
        "initial-evaluation",
    )  # fmt: skip
    TimeOff.objects.create(
        clinician=dr_b,
        start=local_time(clinic.location, today, 13),
        end=local_time(clinic.location, today, 17),
        reason="Sick",
    )
    return clinic, averys, sick


def test_the_day_is_a_time_grid_with_free_time_to_book(live_server, page: Page, busy_day):
    page.set_viewport_size(DESK)
    sign_in(page, live_server.url, "fran")
    expect(page).to_have_url(re.compile(r"/desk/$"))
    grid = page.get_by_role("table")
    # A column per clinician, a row per quarter hour from 7:00 to 19:00.
    expect(grid.get_by_role("columnheader")).to_have_count(3)
    expect(grid.locator("tbody tr")).to_have_count(48)
    # A visit's height is its length: the 90-minute one is twice the 45-minute one.
    long_visit = grid.locator("td.grid-visit", has_text="12:30 PM").bounding_box()["height"]
    short_visit = grid.locator("td.grid-visit", has_text="11:00 AM–11:45 AM").bounding_box()
    assert long_visit == pytest.approx(2 * short_visit["height"], rel=0.1)
    # "Now" (10:30 on the pinned day) is marked on today.
    expect(grid.locator("tr.grid-now")).to_contain_text("10:30 AM")
    # The three Avery Rossis are told apart by year of birth, age and phone.
    for born, last4 in (("1990", "0142"), ("2009", "7788"), ("1975", "3321")):
        expect(grid).to_contain_text(re.compile(rf"Avery Rossi b\. {born} \(\d+\) · …{last4}"))
    assert_accessible(page)
    screenshot(page, "desk-day-grid")

    # Free time is a link: 3:00 PM with Dr A. opens the booking with the clinician named.
    page.get_by_role("link", name="Book 3:00 PM with Dr A. Test, PT, DPT").click()
    expect(page.locator("main")).to_contain_text("3:00 PM with Dr A. Test, PT, DPT")
    assert_accessible(page)
    page.get_by_role("link", name="New patient").click()
    expect(page.locator("#confirm-title")).to_contain_text("3:00 PM")
    expect(page.locator("#confirm-title")).to_contain_text("with Dr A. Test, PT, DPT")


def test_time_off_shows_on_the_grid_with_its_visits_marked(live_server, page: Page, busy_day):
    page.set_viewport_size(DESK)
    sign_in(page, live_server.url, "fran")
    grid = page.get_by_role("table")
    expect(grid.locator("td.grid-off")).to_have_text(["Time off: Sick", "Time off: Sick"])
    # The visit inside the time off is marked, so nobody misses it.
    conflict = grid.locator("td.grid-conflict")
    expect(conflict).to_contain_text("Maya Brooks")
    expect(conflict).to_contain_text("Clinician off: Sick")
    # No free link in the time off.
    expect(page.get_by_role("link", name=re.compile(r"Book 3:00 PM with Dr B"))).to_have_count(0)


def test_the_week_tells_namesakes_apart(live_server, page: Page, busy_day):
    page.set_viewport_size(DESK)
    sign_in(page, live_server.url, "fran")
    page.locator("#main").get_by_role("link", name="Week").click()
    week = page.get_by_role("table")
    for born in ("1990", "2009", "1975"):
        expect(week).to_contain_text(re.compile(rf"Avery Rossi b\. {born}"))
    assert_accessible(page)


def test_the_grid_prints_on_one_landscape_page(live_server, page: Page, busy_day):
    page.set_viewport_size(DESK)
    sign_in(page, live_server.url, "fran")
    page.emulate_media(media="print")
    pdf = page.pdf(prefer_css_page_size=True)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages == 1


def test_time_off_lists_its_visits_and_each_can_be_moved(live_server, page: Page, busy_day):
    clinic, _, sick = busy_day
    dr_a, dr_b = clinic.clinicians
    page.set_viewport_size(DESK)
    sign_in(page, live_server.url, "fran")
    page.goto(f"{live_server.url}/desk/schedules/clinicians/{dr_b.pk}/")
    listing = page.locator(".time-off-visits")
    expect(listing).to_contain_text("1 booked visit in this time off")
    expect(listing).to_contain_text("Maya Brooks")
    assert_accessible(page)
    listing.get_by_role("link", name="Move Maya Brooks's visit").click()
    page.locator("main ul li a", has_text="with Dr A.").first.click()
    expect(page.locator("#confirm-move")).to_contain_text("with Dr A. Test, PT, DPT")
    expect(page.locator("main")).to_contain_text("The clinician changes")
    page.get_by_role("button", name="Move and email the patient").click()
    expect(page.locator(".messages")).to_contain_text(f"(was {dr_b.display_name})")
    sick.refresh_from_db()
    assert sick.clinician == dr_a
    assert OutboxMessage.objects.filter(to=sick.patient.email, key__contains="reschedule").exists()


def test_header_search_then_book_for_this_patient_with_a_note_and_the_intake_link(
    live_server, page: Page, busy_day
):
    page.set_viewport_size(DESK)
    sign_in(page, live_server.url, "fran")
    expect(page).to_have_url(re.compile(r"/desk/$"))
    page.wait_for_load_state("load")
    # Keyboard first: "/" jumps to the header's patient search from anywhere.
    page.keyboard.press("/")
    expect(page.locator("#staff-search")).to_be_focused()
    page.keyboard.type("rossi 1990-03-14")
    page.keyboard.press("Enter")
    expect(page.locator("#result-count")).to_contain_text("1 patient matching")
    assert_accessible(page)
    page.get_by_role("link", name="Rossi, Avery").click()
    assert_accessible(page)
    page.get_by_role("link", name="Book for this patient").click()
    expect(page.locator("main")).to_contain_text("Patient: Avery Rossi, born Mar 14, 1990")
    page.get_by_role("button", name="Show times").click()
    page.locator("main ul li a.btn:not([aria-current])").first.click()  # another day
    # Every time names its clinician before anything is booked.
    first_time = page.locator("main ul li a", has_text=" with Dr ").first
    expect(first_time).to_be_visible()
    first_time.click()
    expect(page.locator("#confirm-title")).to_contain_text(re.compile(r"with Dr [AB]\. Test"))
    main = page.locator("main")
    expect(main).not_to_contain_text("your manage link")
    expect(main).not_to_contain_text("I am the runner's parent")
    page.get_by_label("Note for the clinician").fill("Left knee, marathon in May; prefers mornings")
    page.get_by_label(re.compile("Email the patient the self-assessment link")).check()
    assert_accessible(page)
    page.get_by_role("button", name="Book this time").click()
    expect(page.locator(".messages")).to_contain_text("The self-assessment link is on its way")
    expect(page.locator("main")).to_contain_text("Left knee, marathon in May")
    expect(page.locator("main")).to_contain_text("Intake link sent")
    assert_accessible(page)

    # The email's link opens the core questionnaire, already tied to this visit.
    email = OutboxMessage.objects.get(to="avery1990@example.com", key__contains="intake-link")
    path = re.search(r"https?://[^/\s]+(/assessment/\S+/)", email.body_text).group(1)
    page.goto(live_server.url + path)
    expect(page.locator("h1")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/assessment/[^/]+/step/"))

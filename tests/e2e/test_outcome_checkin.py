"""A 2-week outcome check-in in real Chromium on a phone-sized screen: the link from the email
(relayed from the outbox), tap answers, save and resume, send, then the course chart."""

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import Page, expect

from booking.models import Appointment
from itband.outbox import outbox_relay
from outcomes.models import CheckIn
from outcomes.services import baseline_record, checkins_send_due, enrolment_create
from tests.e2e.conftest import assert_accessible, screenshot
from tests.factories import AppointmentFactory, booking_clinic

pytestmark = pytest.mark.e2e


def test_a_check_in_through_its_email_link_then_the_chart(live_server, page: Page):
    clinic = booking_clinic()
    start = timezone.now() - timedelta(weeks=2, hours=1)
    appointment = AppointmentFactory(
        start=start,
        end=start + timedelta(hours=1),
        clinician=clinic.clinician,
        location=clinic.location,
        appointment_type=clinic.types["initial-evaluation"],
        status=Appointment.Status.COMPLETED,
    )
    enrolment = enrolment_create(appointment=appointment)
    baseline_record(
        enrolment=enrolment,
        user=None,
        answers={**{f"lefs_{n}": 2 for n in range(1, 21)}, "nprs": 7, "running_status": "reduced"},
    )
    assert checkins_send_due(now=timezone.now()) == 1
    outbox_relay()
    [email] = [m for m in mail.outbox if "check-in" in m.subject]
    assert email.to == [appointment.patient.email]
    link = re.search(r"https?://\S+/outcomes/c/\S+/", email.body).group(0)

    assert page.viewport_size == {"width": 390, "height": 844}
    page.goto(live_server.url + urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_contain_text("2 weeks after your evaluation")
    assert_accessible(page)
    screenshot(page, "outcome-checkin")

    # Tap answers (the labels are the 44 px targets), save, and come back through the link.
    pain = page.get_by_role("group", name=re.compile("worst IT band pain"))
    pain.locator("label", has_text=re.compile(r"^4$")).click()
    for n in range(1, 21):
        page.locator(f"label[for='id_lefs_{n}_3']").click()
    box = page.locator("label[for='id_lefs_1_3']").bounding_box()
    assert box["height"] >= 44 and box["width"] >= 44
    page.get_by_role("button", name="Save and finish later").click()
    expect(page.get_by_role("status")).to_contain_text("Your answers are saved")
    page.goto(live_server.url + urlsplit(link).path)
    expect(page.locator("#id_nprs_4")).to_be_checked()

    page.get_by_text("Full training").click()
    page.get_by_text("Quite a bit better").click()
    page.get_by_role("button", name="Send my check-in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Thank you")
    chart = page.get_by_role("img", name="Numeric Pain Rating Scale (worst pain)")
    expect(chart).to_be_visible()
    expect(page.get_by_role("img", name="Lower Extremity Functional Scale")).to_be_visible()
    table = page.get_by_role("table")
    expect(table).to_contain_text("2 weeks")
    expect(table).to_contain_text("Full training")
    expect(table).to_contain_text("+5: Quite a bit better")
    expect(page.locator("svg").first).to_contain_text("Back to full training")
    assert_accessible(page)
    screenshot(page, "outcome-course")
    checkin = CheckIn.objects.get(kind=2)
    assert (checkin.nprs, checkin.lefs_total, checkin.groc) == (4, 60, 5)


def test_the_clinician_records_a_baseline_and_sees_the_course(live_server, page: Page):
    from tests.e2e.test_clinician_review import sign_in
    from tests.factories import StaffFactory

    StaffFactory(username="drlee", roles=["Clinician"])
    clinic = booking_clinic()
    start = timezone.now() - timedelta(hours=1)
    appointment = AppointmentFactory(
        start=start,
        end=start + timedelta(hours=1),
        clinician=clinic.clinician,
        location=clinic.location,
        appointment_type=clinic.types["initial-evaluation"],
        status=Appointment.Status.CHECKED_IN,
    )
    enrolment_create(appointment=appointment)
    sign_in(page, live_server.url, "drlee")
    page.goto(f"{live_server.url}/outcomes/visit/{appointment.pk}/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Outcomes")
    assert_accessible(page)
    page.get_by_role("button", name="Create a one-time link for the tablet").click()
    expect(page.locator("#tablet-link")).to_be_visible()
    page.get_by_role("group", name=re.compile("worst IT band pain")).locator(
        "label", has_text=re.compile(r"^6$")
    ).click()
    for n in range(1, 21):
        page.locator(f"label[for='id_lefs_{n}_2']").click()
    page.get_by_text("Running, but reduced").click()
    page.get_by_role("button", name="Record the baseline").click()
    expect(page.get_by_role("table")).to_contain_text("Baseline (evaluation)")
    expect(page.get_by_role("img", name="Lower Extremity Functional Scale")).to_contain_text(
        "Meaningful change: 9 points more function (49)"
    )
    assert_accessible(page)
    screenshot(page, "outcome-clinician")

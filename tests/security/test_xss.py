"""XSS: script payloads typed into every free-text field come back escaped on every page and
email that shows them: the runner's pages, the desk's and the clinician's, and the emails."""

from datetime import date, timedelta
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from assessments.models import Submission
from booking.models import Appointment, Patient
from booking.services import reminders_send_due
from itband.outbox import outbox_relay
from tests.assessment_data import V2_CORE, WEAK_GLUTES, contact_fields, with_changes

from .conftest import DETAILS, assert_safe_html, selection, slot_start

pytestmark = pytest.mark.django_db


def payload(tag: str) -> str:
    """A marker (to find the field on the page) and the three classic payloads."""
    return f'{tag}<script>alert(1)</script>"><img src=x onerror=alert(1)>javascript:alert(1)'


ANSWERS = with_changes(
    WEAK_GLUTES,
    about_you={"next_race": "within_4_weeks", "next_race_name": payload("RACE")},
    your_pain={"tried": ["foam_rolling", "other"], "tried_other": payload("TRIED")},
)
RUNNER = {"first_name": payload("FIRST"), "last_name": payload("LAST")}
BOOKER = {
    "first_name": payload("BFIRST"),
    "last_name": payload("BLAST"),
    "guardian_name": payload("GUARD"),
    "guardian_phone": "(301) 555-0111",
    "guardian_email": "parent@example.com",
    "guardian_consent": "on",
}


def assert_escaped(html: str, *tags: str, where: str) -> None:
    """Each field's payload is on the page, as text; nothing on the page would run."""
    assert_safe_html(html, where)
    for tag in tags:
        assert payload(tag) not in html, f"{tag} unescaped on {where}"
        assert str(escape(payload(tag))) in html, f"{tag} not shown (escaped) on {where}"


def page(client: Client, url: str, *tags: str, status: int = 200) -> str:
    response = client.get(url)
    assert response.status_code == status, (url, response.status_code)
    html = response.content.decode()
    assert_escaped(html, *tags, where=url)
    return html


@pytest.fixture
def story(clinic, no_rate_limits, front_desk_user, clinician_user):
    """A runner answers with payloads, books their teenager's visit, moves and cancels it."""
    runner = Client()
    response = runner.post("/assessment/", {"consent": "on", "email": "runner@example.com"})
    intake = Submission.objects.latest("created_at")
    # Version 1 (pinned): its free-text answers carry payloads; version 2 has none.
    Submission.objects.filter(pk=intake.pk).update(questionnaire_version="1")
    for slug, values in ANSWERS.items():
        response = runner.post(
            f"/assessment/{intake.token}/step/{slug}/", {**values, "action": "next"}
        )
        assert response.status_code == 302, (slug, response.content.decode()[:2000])
    review = f"/assessment/{intake.token}/review/"
    page(runner, review, "RACE", "TRIED")
    response = runner.post(review, {**RUNNER, "email": "runner@example.com"})
    assert response.status_code == 302
    intake.refresh_from_db()

    teen = date(timezone.localdate().year - 15, 1, 1).isoformat()
    data = {
        **selection(clinic, slot_start(clinic, hour=10)),
        **DETAILS,
        **BOOKER,
        "date_of_birth": teen,
    }
    response = runner.post("/book/details/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    appointment = Appointment.objects.get()
    return {
        "runner": runner,
        "intake": intake,
        "appointment": appointment,
        "clinic": clinic,
        "desk": front_desk_user,
        "clinician": clinician_user,
    }


def test_runner_pages(story):
    runner, intake, appointment = story["runner"], story["intake"], story["appointment"]
    page(runner, f"/assessment/{intake.token}/result/")
    manage = f"/book/manage/{appointment.manage_token}/"
    page(runner, manage)  # shows the visit, not the names
    page(runner, f"/book/manage/{appointment.manage_token}/reschedule/")
    page(runner, f"/book/?intake={intake.token}")
    # A form sent back with errors shows the typed payloads escaped in its fields.
    bad = {**selection(story["clinic"], slot_start(story["clinic"], hour=12)), **BOOKER}
    response = runner.post("/book/details/", {**bad, "email": "not-an-email"})
    assert response.status_code in (200, 400)
    assert_escaped(response.content.decode(), "BFIRST", "GUARD", where="details with errors")
    runner.post("/assessment/", {"consent": "on"})
    draft = Submission.objects.latest("created_at")
    Submission.objects.filter(pk=draft.pk).update(questionnaire_version="1")
    step = f"/assessment/{draft.token}/step/about-you/"
    response = runner.post(step, {"next_race": "within_4_weeks", "next_race_name": payload("RACE")})
    assert response.status_code == 400
    assert_escaped(response.content.decode(), "RACE", where="step with errors")
    # Version 2: the details on its last core page, sent back with an error, then its result.
    runner.post("/assessment/", {"consent": "on"})
    v2 = Submission.objects.latest("created_at")
    for slug in ("your-running", "your-pain"):
        runner.post(f"/assessment/{v2.token}/step/{slug}/", {**V2_CORE[slug], "action": "next"})
    last = f"/assessment/{v2.token}/step/safety-check/"
    details = contact_fields(**RUNNER, phone="12")
    response = runner.post(last, {**V2_CORE["safety-check"], **details, "action": "next"})
    assert response.status_code == 400
    assert_escaped(response.content.decode(), "FIRST", "LAST", where="v2 last page with errors")
    details = contact_fields(**RUNNER)
    response = runner.post(last, {**V2_CORE["safety-check"], **details, "action": "next"})
    assert response.status_code == 302
    page(runner, f"/assessment/{v2.token}/result/", "FIRST")


def test_emails(story):
    runner, appointment, clinic = story["runner"], story["appointment"], story["clinic"]
    new_start = slot_start(clinic, days=5, hour=14)
    response = runner.post(
        f"/book/manage/{appointment.manage_token}/reschedule/", selection(clinic, new_start)
    )
    assert response.status_code == 302
    reminders_send_due(now=new_start - timedelta(hours=2))
    response = runner.post(
        f"/book/manage/{appointment.manage_token}/cancel/", {"reason": payload("REASON")}
    )
    assert response.status_code == 302
    outbox_relay()
    subjects = {email.subject for email in mail.outbox}
    # resume link, result link, confirmation, reschedule, reminder, cancellation (+ guardian)
    assert len(mail.outbox) >= 6, subjects
    greeted = set()
    for email in mail.outbox:
        text = email.body
        html = email.alternatives[0][0]
        where = f"email {email.subject!r} to {email.to}"
        assert "\n" not in email.subject and "<" not in email.subject, where
        assert_safe_html(html, where)
        for tag in ("FIRST", "BFIRST", "GUARD", "REASON"):
            assert payload(tag) not in html, f"{tag} unescaped in the HTML of {where}"
            # The text part is plain text: shown as typed, never HTML-escaped twice.
            assert escape(payload(tag)) not in text, f"{tag} HTML-escaped in the text of {where}"
        names = {tag for tag in ("FIRST", "BFIRST", "GUARD") if escape(payload(tag)) in html}
        assert all(payload(tag) in text for tag in names), where
        greeted |= names
    assert {"FIRST", "BFIRST"} <= greeted, greeted


def test_desk_pages(story):
    appointment, clinic = story["appointment"], story["clinic"]
    runner = story["runner"]
    runner.post(f"/book/manage/{appointment.manage_token}/cancel/", {"reason": payload("REASON")})
    desk = Client()
    desk.force_login(story["desk"])
    day = appointment.local_start.date().isoformat()
    page(desk, f"/desk/?date={day}", "BFIRST")
    page(desk, f"/desk/week/?date={day}")
    page(desk, f"/desk/appointments/{appointment.pk}/", "BFIRST", "BLAST", "REASON")
    patient = Patient.objects.get()
    page(desk, f"/desk/patients/{patient.pk}/", "BFIRST", "BLAST", "GUARD")
    page(desk, "/desk/patients/?q=BFIRST", "BFIRST")
    # The desk edits the patient's details with payloads of its own.
    edit = {
        "first_name": payload("DFIRST"),
        "last_name": payload("DLAST"),
        "email": "riley@example.com",
        "phone": "(301) 555-0100",
        "date_of_birth": patient.date_of_birth.isoformat(),
        "guardian_name": payload("DGUARD"),
        "guardian_phone": "(301) 555-0111",
    }
    response = desk.post(f"/desk/patients/{patient.pk}/", edit)
    assert response.status_code == 302, response.content.decode()[:2000]
    page(desk, f"/desk/patients/{patient.pk}/", "DFIRST", "DLAST", "DGUARD")
    page(desk, f"/desk/appointments/{appointment.pk}/", "DFIRST")
    # Desk cancellation reasons, closure and time-off reasons.
    other = desk.post(
        "/desk/book/?"
        + urlencode({**selection(clinic, slot_start(clinic, hour=15)), "patient": patient.pk}),
        {**DETAILS, "first_name": payload("DFIRST"), "last_name": payload("DLAST"),
         "email": "riley@example.com", "date_of_birth": patient.date_of_birth.isoformat(),
         "booking_key": "xss-1"},
    )  # fmt: skip
    assert other.status_code in (200, 302, 400), other.status_code
    off_day = (timezone.localdate() + timedelta(days=20)).isoformat()
    schedule = f"/desk/schedules/clinicians/{clinic.clinician.pk}/"
    desk.post(
        schedule,
        {"action": "add_time_off", "off_start_date": off_day, "off_start_time": "09:00",
         "off_end_date": off_day, "off_end_time": "10:00", "off_reason": payload("OFF")},
    )  # fmt: skip
    page(desk, schedule, "OFF")
    desk.post(
        "/desk/schedules/closures/",
        {"action": "add_closure", "clinic": clinic.location.slug, "day": off_day,
         "reason": payload("SHUT")},
    )  # fmt: skip
    page(desk, "/desk/schedules/closures/", "SHUT")


def test_clinician_pages(story):
    intake = story["intake"]
    clinician = Client()
    clinician.force_login(story["clinician"])
    url = f"/clinician/intake/{intake.pk}/"
    for data in (
        {"action": "note", "body": payload("NOTE")},
        {"action": "contact", "note": payload("CALL")},
    ):
        assert clinician.post(url, data).status_code == 302
    page(clinician, "/clinician/", "FIRST")
    page(clinician, url, "FIRST", "LAST", "RACE", "TRIED", "NOTE", "CALL")
    page(clinician, f"{url}brief/", "FIRST")
    assert clinician.post(url, {"action": "close", "reason": payload("CLOSE")}).status_code == 302
    page(clinician, url, "CLOSE")
    page(clinician, "/clinician/?state=closed", "FIRST")


@pytest.mark.parametrize(
    "url",
    [
        "/book/?" + urlencode({k: payload("Q") for k in ("location", "type", "clinician", "date", "from", "intake")}),
        "/book/details/?" + urlencode({k: payload("Q") for k in ("location", "type", "start", "intake")}),
        "/no-such-page/" + payload("Q"),
        "/accounts/login/?next=" + payload("Q"),
        "/accounts/login/?next=javascript:alert(1)",
    ],
)  # fmt: skip
def test_reflected_parameters_on_public_pages(client, clinic, url):
    response = client.get(url, follow=True)
    assert response.status_code in (200, 400, 404)
    html = response.content.decode()
    assert_safe_html(html, url)
    assert payload("Q") not in html


@pytest.mark.parametrize(
    "url",
    [
        "/desk/?" + urlencode({"location": payload("Q"), "date": payload("Q")}),
        "/desk/patients/?" + urlencode({"q": payload("Q"), "page": payload("Q")}),
        "/desk/book/?" + urlencode({"q": payload("Q")}),
        "/desk/book/?" + urlencode({"patient": payload("Q"), "location": payload("Q")}),
        "/desk/export.csv?" + urlencode({"start": payload("Q"), "location": payload("Q")}),
    ],
)
def test_reflected_parameters_on_desk_pages(desk_client, clinic, url):
    response = desk_client.get(url)
    assert response.status_code in (200, 400)
    if response["Content-Type"].startswith("text/html"):
        assert_safe_html(response.content.decode(), url)
    assert payload("Q") not in response.content.decode()


@pytest.mark.parametrize(
    "url", ["/clinician/?" + urlencode({"state": payload("Q"), "location": payload("Q")})]
)
def test_reflected_parameters_on_clinician_pages(clinician_client, url):
    response = clinician_client.get(url)
    assert response.status_code == 200
    assert_safe_html(response.content.decode(), url)
    assert payload("Q") not in response.content.decode()

"""Reminders that bring runners back (issue 17): consent, quiet hours, flags, bookings,
unsubscribe, the headers of the relayed email, and a job that sends once however often it runs.

Every instant is pinned (tests/clock.py): the runner's last answer is placed at a New York wall
time, and the clock is moved to the moments that matter."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from assessments.models import Submission
from booking.followups import runner_reminders_send_due
from itband.models import OutboxMessage, ReminderSubscription
from itband.outbox import outbox_relay
from tests.assessment_data import V2, V2_CORE, WEAK_GLUTES, contact_fields, start, with_changes
from tests.factories import AppointmentFactory, booking_clinic

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")
LOCMEM = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
EMAIL = "Riley.Runner@Example.com"


def ny(*args: int, fold: int = 0) -> datetime:
    """A New York wall time as a UTC instant (UTC, so time-machine leaves the process TZ)."""
    return datetime(*args, tzinfo=NEW_YORK, fold=fold).astimezone(UTC)


@pytest.fixture
def clinic(reference_data):
    return booking_clinic()


def reminders() -> list[OutboxMessage]:
    return list(OutboxMessage.objects.filter(key__startswith="reminder:").order_by("id"))


def start_draft(client, *, email: str = EMAIL, remind_me: bool = True) -> Submission:
    """Consent (with the email and, if asked, the "remind me" tick), then one answer saved
    for later: the runner's last answer is now."""
    data = {"consent": "on", "email": email}
    if remind_me:
        data["remind_me"] = "on"
    response = client.post("/assessment/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    draft = Submission.objects.latest("created_at")
    Submission.objects.filter(pk=draft.pk).update(questionnaire_version=V2)
    slug = next(iter(V2_CORE))
    response = client.post(
        f"/assessment/{draft.token}/step/{slug}/", {**V2_CORE[slug], "action": "save"}
    )
    assert response.status_code == 302
    draft.refresh_from_db()
    assert not draft.is_submitted
    return draft


def submit_v2(client, answers=V2_CORE, **contact) -> Submission:
    response = client.post("/assessment/", {"consent": "on", "email": contact.get("email", "")})
    assert response.status_code == 302
    intake = Submission.objects.latest("created_at")
    Submission.objects.filter(pk=intake.pk).update(questionnaire_version=V2)
    slugs = list(answers)
    for slug in slugs:
        data = {**answers[slug], "action": "next"}
        if slug == slugs[-1]:
            data.update(contact_fields(**contact))
        response = client.post(f"/assessment/{intake.token}/step/{slug}/", data)
        assert response.status_code == 302, (slug, response.content.decode()[:3000])
        if "/result/" in response["Location"]:
            break
    intake.refresh_from_db()
    assert intake.is_submitted
    return intake


# --- An unfinished assessment: consent, timing, once ------------------------------------------
@pytest.mark.parametrize(
    "answered_at",
    [
        ny(2026, 6, 10, 10, 0),  # an ordinary Wednesday
        ny(2028, 2, 28, 10, 0),  # due on the leap day
        ny(2027, 3, 13, 10, 0),  # 24 h later is 11:00 EDT, the clocks went forward
        ny(2027, 11, 6, 10, 0),  # 24 h later is 09:00 EST, the clocks went back
        ny(2026, 12, 31, 10, 0),  # due on New Year's Day
    ],
    ids=["ordinary", "leap-day", "spring-forward", "fall-back", "year-end"],
)
def test_a_ticked_draft_gets_one_reminder_a_day_after_the_last_answer(
    client, pinned_clock, answered_at
):
    pinned_clock.move_to(answered_at)
    draft = start_draft(client)
    mail.outbox.clear()  # the resume link asked for on the consent page

    pinned_clock.move_to(answered_at + timedelta(hours=23))
    assert runner_reminders_send_due() == 0
    assert reminders() == []

    pinned_clock.move_to(answered_at + timedelta(hours=24, minutes=1))
    assert runner_reminders_send_due() == 1
    assert runner_reminders_send_due() == 0  # the job runs again: nothing more
    pinned_clock.move_to(answered_at + timedelta(days=2))
    assert runner_reminders_send_due() == 0  # only one, ever
    [reminder] = reminders()
    assert reminder.to == EMAIL and reminder.topic == f"submission:{draft.pk}"
    assert f"/assessment/{draft.token}/" in reminder.body_text  # the private resume link
    draft.refresh_from_db()
    # Marking the draft did not move its last answer (nor its 30-day retention clock).
    assert draft.updated_at < answered_at + timedelta(minutes=1)


def test_no_tick_no_reminder(client, pinned_clock):
    answered_at = ny(2026, 6, 10, 10, 0)
    pinned_clock.move_to(answered_at)
    start_draft(client, remind_me=False)
    pinned_clock.move_to(answered_at + timedelta(hours=25))
    assert runner_reminders_send_due() == 0
    assert reminders() == []


def test_the_box_is_not_ticked_and_needs_an_email(client):
    page = client.get("/assessment/").content.decode()
    assert 'name="remind_me"' in page
    tag = page[page.index('name="remind_me"') - 200 : page.index('name="remind_me"') + 200]
    assert "checked" not in tag
    response = client.post("/assessment/", {"consent": "on", "remind_me": "on"})
    assert response.status_code == 200
    assert "Please give your email to get a reminder." in response.content.decode()
    assert not Submission.objects.exists()


def test_the_tick_on_the_save_and_resume_page_sets_the_reminder(client, pinned_clock):
    answered_at = ny(2026, 6, 10, 10, 0)
    pinned_clock.move_to(answered_at)
    draft = start_draft(client, email="", remind_me=False)
    saved = f"/assessment/{draft.token}/saved/"
    assert 'name="remind_me"' in client.get(saved).content.decode()
    response = client.post(saved, {"email": EMAIL, "remind_me": "on"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.remind_me and draft.email == EMAIL
    pinned_clock.move_to(answered_at + timedelta(hours=24, minutes=1))
    assert runner_reminders_send_due() == 1


def test_a_finished_assessment_gets_no_draft_reminder(client, clinic, pinned_clock):
    answered_at = ny(2026, 6, 10, 10, 0)
    pinned_clock.move_to(answered_at)
    draft = start_draft(client)
    submit_v2(client)  # another runner, irrelevant; now this one finishes:
    Submission.objects.filter(pk=draft.pk).update(status="submitted", submitted_at=answered_at)
    pinned_clock.move_to(answered_at + timedelta(hours=24, minutes=1))
    assert not OutboxMessage.objects.filter(key=f"reminder:draft:{draft.pk}").exists()
    runner_reminders_send_due()
    assert not OutboxMessage.objects.filter(key=f"reminder:draft:{draft.pk}").exists()


# --- Quiet hours -------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("answered_at", "not_yet", "at_eight"),
    [
        # Due 02:00 EDT: waits the night.
        (ny(2026, 6, 9, 2, 0), ny(2026, 6, 10, 7, 59), ny(2026, 6, 10, 8, 0)),
        # Answered 02:30 EST the night before spring forward: due 03:30 EDT, sent at 08:00 EDT.
        (ny(2027, 3, 13, 2, 30), ny(2027, 3, 14, 7, 59), ny(2027, 3, 14, 8, 0)),
        # Answered 02:00 EDT the night before fall back: due 01:00 EST, sent at 08:00 EST.
        (ny(2027, 11, 6, 2, 0), ny(2027, 11, 7, 7, 59), ny(2027, 11, 7, 8, 0)),
        # Due 21:00 on New Year's Eve: sent at 08:00 on New Year's Day.
        (ny(2026, 12, 30, 21, 0), ny(2027, 1, 1, 7, 59), ny(2027, 1, 1, 8, 0)),
    ],
    ids=["night", "spring-forward", "fall-back", "year-end-evening"],
)
def test_a_reminder_due_in_the_quiet_hours_waits_until_eight(
    client, pinned_clock, answered_at, not_yet, at_eight
):
    pinned_clock.move_to(answered_at)
    start_draft(client)
    pinned_clock.move_to(answered_at + timedelta(hours=24, minutes=1))
    assert runner_reminders_send_due() == 0
    pinned_clock.move_to(not_yet)
    assert runner_reminders_send_due() == 0
    pinned_clock.move_to(at_eight)
    assert runner_reminders_send_due() == 1
    assert len(reminders()) == 1


# --- A result without a booking ---------------------------------------------------------------
def test_a_result_without_a_booking_gets_one_reminder_with_the_next_openings(
    client, clinic, pinned_clock
):
    submitted_at = ny(2026, 6, 10, 10, 0)
    pinned_clock.move_to(submitted_at)
    intake = submit_v2(client, email=EMAIL, first_name="Riley")
    pinned_clock.move_to(submitted_at + timedelta(hours=47))
    assert runner_reminders_send_due() == 0
    pinned_clock.move_to(submitted_at + timedelta(hours=48, minutes=1))
    assert runner_reminders_send_due() == 1
    assert runner_reminders_send_due() == 0
    [reminder] = reminders()
    assert reminder.key == f"reminder:result:{intake.pk}" and reminder.to == EMAIL
    text = reminder.body_text
    assert f"/assessment/{intake.token}/result/" in text
    assert f"/book/?intake={intake.token}" in text
    # The next openings, as links that carry the intake: the result page's own selector.
    assert text.count("/book/details/?") >= 3 and f"intake={intake.token}" in text
    assert clinic.location.name in text


@pytest.mark.parametrize("flag", ["emergency", "urgent"])
def test_an_emergency_or_urgent_intake_gets_no_reminder(client, clinic, pinned_clock, flag):
    submitted_at = ny(2026, 6, 10, 10, 0)
    pinned_clock.move_to(submitted_at)
    sign = {
        "emergency": {"safety_emergency": ["calf_clot"]},
        "urgent": {"safety_urgent": ["knee_locked"]},
    }
    answers = with_changes(WEAK_GLUTES, safety_check=sign[flag])
    intake = start(client, email=EMAIL)  # version 1, whose safety step these answers fit
    for slug in ("about-you", "your-pain", "safety-check"):
        client.post(f"/assessment/{intake.token}/step/{slug}/", {**answers[slug], "action": "next"})
    intake.refresh_from_db()
    assert intake.is_submitted and intake.highest_flag == flag
    # A clean intake by the same runner (same email) two hours later: still blocked, by the rule.
    pinned_clock.move_to(submitted_at + timedelta(hours=2))
    same_runner = submit_v2(client, email=EMAIL.upper())
    pinned_clock.move_to(submitted_at + timedelta(hours=50, minutes=1))  # both due, 12:01
    assert runner_reminders_send_due() == 0
    assert reminders() == []
    same_runner.refresh_from_db()
    assert same_runner.result_reminder_checked_at is not None  # looked at once, skipped for good


def test_a_booked_result_gets_no_reminder(client, clinic, pinned_clock):
    submitted_at = ny(2026, 6, 10, 10, 0)
    pinned_clock.move_to(submitted_at)
    intake = submit_v2(client, email=EMAIL)
    AppointmentFactory(
        submission=intake,
        location=clinic.location,
        clinician=clinic.clinician,
        appointment_type=clinic.types["initial-evaluation"],
        start=submitted_at + timedelta(days=5),
        end=submitted_at + timedelta(days=5, hours=1),
    )
    pinned_clock.move_to(submitted_at + timedelta(hours=49))
    assert runner_reminders_send_due() == 0
    assert reminders() == []


def test_a_result_without_an_email_gets_no_reminder(client, clinic, pinned_clock):
    submitted_at = ny(2026, 6, 10, 10, 0)
    pinned_clock.move_to(submitted_at)
    submit_v2(client)
    pinned_clock.move_to(submitted_at + timedelta(hours=49))
    assert runner_reminders_send_due() == 0


# --- Unsubscribe -------------------------------------------------------------------------------
def _reminded_draft(client, pinned_clock) -> tuple[Submission, ReminderSubscription]:
    answered_at = ny(2026, 6, 10, 10, 0)
    pinned_clock.move_to(answered_at)
    draft = start_draft(client)
    pinned_clock.move_to(answered_at + timedelta(hours=24, minutes=1))
    assert runner_reminders_send_due() == 1
    return draft, ReminderSubscription.objects.get(email=EMAIL.lower())


def test_unsubscribe_get_shows_a_page_and_changes_nothing(client, pinned_clock):
    _, subscription = _reminded_draft(client, pinned_clock)
    url = f"/unsubscribe/{subscription.token}/"
    assert url in reminders()[0].body_text  # the visible link
    response = client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Unsubscribe from reminders</button>" in html
    assert response["Referrer-Policy"] == "no-referrer"
    assert response["Cache-Control"].startswith("no-store")
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is None


def test_one_click_post_without_csrf_stops_every_later_reminder(pinned_clock):
    browser = Client()
    draft, subscription = _reminded_draft(browser, pinned_clock)
    mail_client = Client(enforce_csrf_checks=True)  # a mail client: no cookie, no token
    url = f"/unsubscribe/{subscription.token}/"
    response = mail_client.post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    assert "You are unsubscribed" in response.content.decode()
    subscription.refresh_from_db()
    first = subscription.unsubscribed_at
    assert first is not None
    assert (
        mail_client.post(
            url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
        ).status_code
        == 200
    )
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at == first  # idempotent
    # The reminder still waiting for the relay is not sent.
    assert reminders()[0].status == OutboxMessage.Status.CANCELLED
    mail.outbox.clear()
    outbox_relay()
    assert not [m for m in mail.outbox if "waiting for you" in m.subject]

    # The same address, any case, on a new draft and on a result: no more reminders.
    new_start = timezone.now()
    start_draft(browser, email=EMAIL.upper())
    pinned_clock.move_to(new_start + timedelta(hours=25))
    assert runner_reminders_send_due() == 0
    assert len(reminders()) == 1
    assert draft.pk  # the first draft's reminder stays in the log, cancelled


def test_an_unknown_token_is_404(client):
    assert client.get("/unsubscribe/not-a-token/").status_code == 404
    assert Client(enforce_csrf_checks=True).post("/unsubscribe/not-a-token/").status_code == 404


# --- The email as relayed ---------------------------------------------------------------------
def test_the_relayed_reminder_carries_one_click_unsubscribe_and_the_clinic_footer(
    client, pinned_clock, settings
):
    settings.MAILERS = LOCMEM
    _, subscription = _reminded_draft(client, pinned_clock)
    mail.outbox.clear()
    assert outbox_relay().sent == 2  # the resume link asked for at consent, and the reminder
    [email] = [m for m in mail.outbox if m.extra_headers["X-Outbox-Key"].startswith("reminder:")]
    link = f"{settings.SITE_URL}/unsubscribe/{subscription.token}/"
    assert email.extra_headers["List-Unsubscribe"] == f"<{link}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    raw = email.message().as_string()
    assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in raw
    html = email.alternatives[0][0]
    for body in (email.body, html):
        assert link in body
        assert settings.CLINIC_NAME in body and settings.CLINIC_POSTAL_ADDRESS in body
    # The token is neither the address nor an id.
    assert "riley" not in subscription.token.lower() and len(subscription.token) >= 40


def test_other_emails_carry_no_unsubscribe_header(client, pinned_clock, settings):
    settings.MAILERS = LOCMEM
    client.post("/assessment/", {"consent": "on", "email": EMAIL})
    mail.outbox.clear()
    outbox_relay()
    [email] = mail.outbox
    assert "List-Unsubscribe" not in email.extra_headers

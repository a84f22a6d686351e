"""Questionnaire version 2 through its URLs, as a browser without JavaScript uses it: a
three-page core with a tap scale and no review wall, a booking-first result with the next
times at each clinic, and optional home-test modules that rescore the profile."""

import re
from datetime import timedelta
from html import unescape
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core import mail
from django.utils import timezone

from assessments.models import Submission
from assessments.questionnaire import CURRENT
from assessments.questionnaire.model import word_count
from booking.selectors import available_slots
from itband.outbox import outbox_relay
from tests.assessment_data import (
    V2_CORE,
    V2_MODULES,
    WEAK_GLUTES,
    complete,
    complete_v2,
    contact_fields,
    do_module,
    start,
)
from tests.factories import LocationFactory, booking_clinic

pytestmark = pytest.mark.django_db


def step_url(submission, slug):
    return f"/assessment/{submission.token}/step/{slug}/"


def result_html(client, submission) -> str:
    response = client.get(f"/assessment/{submission.token}/result/")
    assert response.status_code == 200
    return response.content.decode()


def test_new_runners_get_version_2_on_three_named_pages(client):
    assert CURRENT.version == "2"
    client.post("/assessment/", {"consent": "on"})
    submission = Submission.objects.get()
    assert submission.questionnaire_version == "2"
    html = client.get(step_url(submission, "your-running")).content.decode()
    # The three step names are in the page for phones too (no d-none on the list).
    names = re.search(r'<ol class="progress-named[^"]*"', html).group(0)
    assert "d-none" not in names
    for title in ("Your running", "Your pain", "Safety check"):
        assert title in html


class MainText(HTMLParser):
    """The text a runner reads in <main>, without scripts and without the collapsed "check
    your answers" (it repeats the runner's own answers)."""

    SKIPPED = ("script", "style", "details")

    def __init__(self):
        super().__init__()
        self.in_main = False
        self.skipping: list[str] = []
        self.parts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "main":
            self.in_main = True
        elif self.in_main and tag in self.SKIPPED:
            self.skipping.append(tag)

    def handle_endtag(self, tag):
        if tag == "main":
            self.in_main = False
        elif self.skipping and tag == self.skipping[-1]:
            self.skipping.pop()

    def handle_data(self, data):
        if self.in_main and not self.skipping:
            self.parts.append(data)


def test_the_core_pages_as_rendered_hold_at_most_700_words(client):
    """The definition's count (tests/unit/test_questionnaire_v2.py) plus everything the pages
    add: titles, buttons, step names, the stop note, the optional details' labels."""
    submission = start(client, version="2")
    words = 0
    for slug, answers in V2_CORE.items():
        parser = MainText()
        parser.feed(client.get(step_url(submission, slug)).content.decode())
        words += word_count(" ".join(parser.parts))
        if slug != "safety-check":
            client.post(step_url(submission, slug), {**answers, "action": "next"})
    assert 500 < words <= 700, words


def test_worst_pain_is_a_row_of_radios_not_a_typed_number(client):
    submission = start(client, version="2")
    client.post(step_url(submission, "your-running"), {**V2_CORE["your-running"], "action": "next"})
    html = client.get(step_url(submission, "your-pain")).content.decode()
    points = re.findall(r'type="radio" name="pain_worst" id="[^"]+" value="(\d+)"', html)
    assert points == [str(n) for n in range(11)]
    assert 'name="pain_worst" type="number"' not in html and 'type="number"' not in html
    client.post(step_url(submission, "your-pain"), {**V2_CORE["your-pain"], "action": "next"})
    submission.refresh_from_db()
    assert submission.answers["pain_worst"] == 6  # stored as a number
    again = client.get(step_url(submission, "your-pain")).content.decode()
    assert 'value="6" checked' in again


def test_the_last_core_page_checks_answers_collapsed_and_sends_them(client):
    booking_clinic()
    submission = start(client, version="2")
    for slug in ("your-running", "your-pain"):
        client.post(step_url(submission, slug), {**V2_CORE[slug], "action": "next"})
    html = client.get(step_url(submission, "safety-check")).content.decode()
    # "Check your answers" is collapsed (a closed <details>), with a change link per page.
    assert '<details class="check-answers mb-4">' in html
    assert f"{step_url(submission, 'your-pain')}?return=review" in html
    assert "Outside of the knee" in html and "6 out of 10" in html
    # A change from there comes back to the last page.
    changed = {**V2_CORE["your-pain"], "pain_side": "both", "action": "next"}
    response = client.post(step_url(submission, "your-pain") + "?return=review", changed)
    assert client.get(response["Location"])["Location"] == step_url(submission, "safety-check")
    # There is no review wall: the review URL goes back to the last core page.
    review = client.get(f"/assessment/{submission.token}/review/")
    assert client.get(review["Location"])["Location"] == step_url(submission, "safety-check")
    response = client.post(
        step_url(submission, "safety-check"),
        {
            **V2_CORE["safety-check"],
            "action": "next",
            **contact_fields(first_name="Riley", last_name="Runner", email="riley@example.com"),
        },
    )
    assert response["Location"] == f"/assessment/{submission.token}/result/"
    submission.refresh_from_db()
    assert submission.is_submitted and submission.first_name == "Riley"
    assert submission.result["schema"] == 2


def test_a_bad_contact_detail_is_explained_and_the_answers_kept(client):
    submission = start(client, version="2")
    for slug in ("your-running", "your-pain"):
        client.post(step_url(submission, slug), {**V2_CORE[slug], "action": "next"})
    response = client.post(
        step_url(submission, "safety-check"),
        {**V2_CORE["safety-check"], "action": "next", **contact_fields(phone="12")},
    )
    assert response.status_code == 400
    assert "7 to 15 digits" in response.content.decode()
    submission.refresh_from_db()
    assert not submission.is_submitted and submission.answers["safety_soft"] == ["none"]


def test_an_emergency_sign_stops_at_once_with_other_answers_missing(client):
    submission = start(client, version="2")
    for slug in ("your-running", "your-pain"):
        client.post(step_url(submission, slug), {**V2_CORE[slug], "action": "next"})
    response = client.post(
        step_url(submission, "safety-check"),
        {"safety_emergency": ["calf_clot"], "action": "next", **contact_fields(phone="12")},
    )
    assert response["Location"] == f"/assessment/{submission.token}/result/"
    submission.refresh_from_db()
    assert submission.highest_flag == "emergency"
    html = result_html(client, submission)
    assert "emergency department" in html
    assert f"intake={submission.token}" not in html
    assert "Book your evaluation" not in html
    # No modules for a flagged intake.
    module = client.get(f"/assessment/{submission.token}/module/hip-mobility/")
    assert module["Location"] == f"/assessment/{submission.token}/result/"


@pytest.mark.date_sensitive
def test_the_result_leads_with_the_headline_and_the_next_three_times_at_each_clinic(client):
    bethesda = booking_clinic()
    mclean = booking_clinic(location=LocationFactory(name="McLean", slug="mclean"))
    submission = complete_v2(client, first_name="Riley", email="riley@example.com")
    html = result_html(client, submission)
    headline = submission.result["headline"]
    assert unescape(html).index(headline["pattern"]) < html.index("Book your evaluation")
    assert headline["trigger"] and headline["trigger"] in unescape(html)
    assert headline["will_check_text"] in unescape(html)
    links = re.findall(r'<a class="btn btn-outline-brand opening-time" href="([^"]+)"', html)
    assert len(links) == 6  # three at each clinic
    shown: dict[str, list[str]] = {}
    for link in links:
        query = parse_qs(urlsplit(unescape(link)).query)
        assert urlsplit(link).path == "/book/details/"
        assert query["intake"] == [submission.token]
        assert query["type"] == [submission.recommended_appointment]
        shown.setdefault(query["location"][0], []).append(query["start"][0])
    # The next three free times of each clinic, as the booking service finds them.
    today = timezone.localdate()
    for clinic in (bethesda, mclean):
        free = available_slots(
            location=clinic.location,
            appointment_type=clinic.types[submission.recommended_appointment],
            start_date=today,
            end_date=today + timedelta(days=13),
        )
        assert shown[clinic.location.slug] == [option.start.isoformat() for option in free[:3]]
    # The booking block comes before the profile and the explanation; the bar is on the page.
    assert html.index("opening-time") < html.index('id="profile"') < html.index("What this means")
    assert 'class="book-bar' in html
    # A tapped time opens the details with the runner's details filled in.
    details = client.get(unescape(links[0])).content.decode()
    assert 'value="Riley"' in details and 'value="riley@example.com"' in details


def test_the_explanation_follows_the_answers(client):
    booking_clinic()
    foam = complete_v2(client)
    assert "Why foam rolling didn" in unescape(result_html(client, foam))
    answers = {**V2_CORE, "your-pain": {**V2_CORE["your-pain"], "tried": ["none"]}}
    no_foam = complete_v2(client, answers)
    assert "foam rolling" not in unescape(result_html(client, no_foam)).lower()
    front = {
        **V2_CORE,
        "your-pain": {**V2_CORE["your-pain"], "pain_location": ["front_knee"], "tried": ["none"]},
    }
    unlikely = unescape(result_html(client, complete_v2(client, front)))
    assert "What the IT band is" not in unlikely
    assert "doesn't look like the usual IT band pattern" in unlikely


def test_unmeasured_drivers_read_not_measured_never_zero(client):
    booking_clinic()
    submission = complete_v2(client)
    html = result_html(client, submission)
    for driver in ("hip_mobility", "strength_balance", "pelvic_position", "movement_technique"):
        row = re.search(rf'data-driver="{driver}">(.*?)</li>', html, re.S).group(1)
        assert "Not measured yet" in row
        assert " out of 100" not in row
    assert "Not measured yet: your evaluation will check it." in html
    # The core's findings are shown as what the evaluation will look at.
    assert "What we will look at" in html and "6 hours or more" in html


def test_a_module_rescores_the_profile_and_says_it_was_done(client):
    booking_clinic()
    submission = complete_v2(client)
    page = client.get(f"/assessment/{submission.token}/module/strength-balance/")
    assert page.status_code == 200
    html = page.content.decode()
    # Each test has its drawing (role="img" with a title) and the timed ones a timer.
    assert html.count('role="img"') == 4  # side plank, stance, leg raise, bridge
    assert 'data-timer="stopwatch"' in html and 'data-timer="countdown"' in html
    assert 'type="number"' in html  # the typed seconds without JavaScript
    before = submission.result
    response = client.post(
        f"/assessment/{submission.token}/module/strength-balance/", V2_MODULES["strength-balance"]
    )
    assert response["Location"] == f"/assessment/{submission.token}/result/#profile"
    submission.refresh_from_db()
    assert submission.submitted_at and submission.status == Submission.Status.SUBMITTED
    assert submission.result != before
    strength = next(d for d in submission.result["drivers"] if d["key"] == "strength_balance")
    assert strength["measured"] and strength["score"] == 100
    assert submission.primary_driver == "strength_balance"
    html = result_html(client, submission)
    assert "Done: Strength balance." in html
    row = re.search(r'data-driver="strength_balance">(.*?)</li>', html, re.S).group(1)
    assert "100" in row and "most likely" in row
    assert "From your home tests, the most likely contributor" in unescape(html)


def test_modules_in_any_order_and_all_four(client):
    booking_clinic()
    submission = complete_v2(client)
    for key in ("movement-technique", "pelvic-position", "hip-mobility", "strength-balance"):
        submission = do_module(client, submission, key)
    modules = {m["key"]: m["state"] for m in submission.result["modules"]}
    assert set(modules.values()) == {"done"}
    assert all(d["measured"] for d in submission.result["drivers"])


def test_an_incomplete_module_is_explained_and_saves_nothing(client):
    submission = complete_v2(client)
    response = client.post(
        f"/assessment/{submission.token}/module/hip-mobility/", {"thomas_test": ["none"]}
    )
    assert response.status_code == 400
    assert "Please choose an answer." in response.content.decode()
    submission.refresh_from_db()
    assert "thomas_test" not in submission.answers


def test_modules_open_only_on_a_submitted_intake_and_known_keys(client):
    draft = start(client, version="2")
    response = client.get(f"/assessment/{draft.token}/module/hip-mobility/")
    assert response["Location"] == f"/assessment/{draft.token}/"
    submitted = complete_v2(client)
    assert client.get(f"/assessment/{submitted.token}/module/nope/").status_code == 404
    # A module's step never opens as a core step.
    assert client.get(step_url(submitted, "hip-mobility"))["Location"].endswith("/result/")
    assert client.get(step_url(draft, "hip-mobility"))["Location"] == (
        f"/assessment/{draft.token}/"
    )


def test_the_result_email_has_the_headline_and_a_book_button(client):
    submission = complete_v2(client, email="riley@example.com")
    outbox_relay()
    message = mail.outbox[-1]
    headline = submission.result["headline"]
    assert headline["pattern"] in message.body
    assert f"/book/?intake={submission.token}" in message.body
    html = message.alternatives[0][0]
    assert "Book your evaluation</a>" in html and headline["pattern"] in unescape(html)


def test_version_1_results_keep_rendering_and_scoring_as_they_were(client):
    submission = complete(client, WEAK_GLUTES, first_name="Riley", email="riley@example.com")
    assert submission.questionnaire_version == "1"
    assert "schema" in submission.result and submission.result["schema"] == 1
    html = result_html(client, submission)
    assert "Your most likely driver: Strength balance" in html
    assert "Book a 1-on-1 evaluation in Bethesda or McLean" in html
    assert "Not measured yet" not in html
    outbox_relay()
    assert "Strength" not in mail.outbox[-1].body  # version 1's email: the link only


def test_without_a_clinic_online_the_result_still_offers_the_picker(client):
    submission = complete_v2(client)
    html = result_html(client, submission)
    assert "opening-time" not in html
    assert f'href="/book/?intake={submission.token}">Choose a clinic and a time' in html


def test_a_soft_flag_keeps_the_result_and_the_booking(client):
    booking_clinic()
    answers = {
        **V2_CORE,
        "safety-check": {"safety_emergency": ["none"], "safety_soft": ["giving_way"]},
    }
    submission = complete_v2(client, answers)
    assert submission.highest_flag == "soft"
    html = result_html(client, submission)
    assert "Worth telling a doctor" in html and "You can still book" in html
    assert html.count("opening-time") >= 3


def test_the_clinicians_view_says_which_modules_were_done(client, clinician_user):
    from django.test import Client

    submission = complete_v2(client)
    staff = Client()
    staff.force_login(clinician_user)
    url = f"/clinician/intake/{submission.pk}/"
    html = staff.get(url).content.decode()
    assert "Home-test modules done: none yet (core only)." in html
    assert html.count("not measured (module not done)") == 4 and "0/100" not in html
    do_module(client, submission, "strength-balance")
    html = staff.get(url).content.decode()
    assert "Home-test modules done: Strength balance." in html
    assert html.count("not measured (module not done)") == 3
    assert "Strength balance (primary)" in html and "100/100" in html

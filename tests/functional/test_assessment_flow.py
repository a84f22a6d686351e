"""The runner's self-assessment through its URLs, as a browser without JavaScript uses it.

New runners start version 2 (tests/functional/test_assessment_v2.py); the tests here walk
version 1, pinned explicitly (``start`` and ``complete`` pin it), so its drafts and results
keep working as they did."""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from assessments.models import Submission
from assessments.services import drafts_purge_expired
from itband.models import OutboxMessage
from itband.outbox import outbox_relay
from tests.assessment_data import WEAK_GLUTES, answer_all, complete, start, with_changes

pytestmark = pytest.mark.django_db


def step_url(submission, slug):
    return f"/assessment/{submission.token}/step/{slug}/"


def test_start_explains_and_requires_consent(client):
    page = client.get("/assessment/").content.decode()
    assert "About 4 minutes; 13 more if you want to do the home tests" in page
    assert "5–10 minute" not in page and "not a diagnosis" in page
    response = client.post("/assessment/", {"email": "runner@example.com"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Please tick the box to continue." in html
    assert 'value="runner@example.com"' in html  # the other answer is kept
    assert not Submission.objects.exists()


def test_consent_starts_a_draft_behind_an_unguessable_token(client):
    response = client.post("/assessment/", {"consent": "on"})
    submission = Submission.objects.get()
    assert len(submission.token) >= 43
    assert response["Location"] == step_url(submission, "your-running")
    assert submission.questionnaire_version == "2"
    assert submission.status == Submission.Status.DRAFT


def test_missing_answers_get_messages_and_keep_the_rest(client):
    submission = start(client)
    partial = {k: v for k, v in WEAK_GLUTES["about-you"].items() if k != "weekly_distance"}
    response = client.post(step_url(submission, "about-you"), {**partial, "action": "next"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please check 1 answer" in html
    assert 'id="error-weekly_distance"' in html
    assert 'value="35_to_54" checked' in html  # age band kept
    assert "Please choose an answer." in html


def test_out_of_range_number_is_explained(client):
    submission = start(client)
    answer_all(client, submission, {"about-you": WEAK_GLUTES["about-you"]})
    bad = {**WEAK_GLUTES["your-pain"], "pain_worst": "14", "action": "next"}
    response = client.post(step_url(submission, "your-pain"), bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "up to 10" in html
    assert 'value="14"' in html


def test_a_step_cannot_be_skipped(client):
    submission = start(client)
    response = client.get(step_url(submission, "hip-mobility"))
    assert response.status_code == 302
    follow = client.get(response["Location"])
    assert follow["Location"] == step_url(submission, "about-you")
    response = client.post(step_url(submission, "hip-mobility"), WEAK_GLUTES["hip-mobility"])
    assert response.status_code == 302
    submission.refresh_from_db()
    assert "thomas_test" not in submission.answers


def test_back_keeps_answers_of_both_steps(client):
    submission = start(client)
    answer_all(client, submission, {"about-you": WEAK_GLUTES["about-you"]})
    half = {"pain_side": "left", "pain_worst": "5", "action": "back"}
    response = client.post(step_url(submission, "your-pain"), half)
    assert response["Location"] == step_url(submission, "about-you")
    assert (
        'value="35_to_54" checked' in client.get(step_url(submission, "about-you")).content.decode()
    )
    html = client.get(step_url(submission, "your-pain")).content.decode()
    assert 'value="left" checked' in html and 'value="5"' in html


def test_branching_asks_for_seconds_only_after_holding_the_plank(client):
    submission = start(client)
    answers = dict(WEAK_GLUTES)
    answer_all(client, submission, {k: answers[k] for k in list(answers)[:4]})
    held_without_seconds = {**answers["strength-balance"], "action": "next"}
    del held_without_seconds["side_plank_left"]
    response = client.post(step_url(submission, "strength-balance"), held_without_seconds)
    assert response.status_code == 400
    assert 'id="error-side_plank_left"' in response.content.decode()
    not_tried = {**held_without_seconds, "side_plank": "not_sure", "side_plank_right": "25"}
    response = client.post(step_url(submission, "strength-balance"), not_tried)
    assert response.status_code == 302
    submission.refresh_from_db()
    assert "side_plank_right" not in submission.answers  # hidden answer dropped


def test_review_lists_every_answer_with_change_links(client):
    submission = start(client)
    answer_all(client, submission, WEAK_GLUTES)
    html = client.get(f"/assessment/{submission.token}/review/").content.decode()
    for slug in WEAK_GLUTES:
        assert f"{step_url(submission, slug)}?return=review" in html
    assert "Outside of the knee" in html
    # Changing a step from the review comes back to the review.
    changed = {**WEAK_GLUTES["pelvic-position"], "rib_flare": "yes", "action": "next"}
    response = client.post(step_url(submission, "pelvic-position") + "?return=review", changed)
    follow = client.get(response["Location"])
    assert follow["Location"] == f"/assessment/{submission.token}/review/"


def test_submit_scores_once_and_shows_the_result(client):
    submission = complete(client, first_name="Riley", email="riley@example.com")
    assert submission.status == Submission.Status.SUBMITTED
    assert submission.primary_driver == "strength_balance"
    assert submission.result["version"] == submission.questionnaire_version
    again = client.post(f"/assessment/{submission.token}/review/", {"first_name": "Other"})
    assert again["Location"] == f"/assessment/{submission.token}/result/"
    assert Submission.objects.count() == 1
    submission.refresh_from_db()
    assert submission.first_name == "Riley"

    response = client.get(f"/assessment/{submission.token}/result/")
    assert response["Cache-Control"].startswith("no-store")
    assert response["Referrer-Policy"] == "no-referrer"
    html = response.content.decode()
    assert "Your most likely driver: Strength balance" in html
    assert "side plank" in html.lower()
    assert f"/book/?intake={submission.token}" in html
    assert "not a diagnosis" in html
    assert "foam" in html.lower()


def test_submitted_answers_cannot_be_changed(client):
    submission = complete(client)
    response = client.post(step_url(submission, "about-you"), {"age_band": "55_plus"})
    assert response["Location"] == f"/assessment/{submission.token}/result/"
    submission.refresh_from_db()
    assert submission.answers["age_band"] == "35_to_54"


def test_emergency_answers_block_booking_and_say_where_to_go(client):
    answers = with_changes(WEAK_GLUTES, safety_check={"safety_emergency": ["calf_clot"]})
    submission = complete(client, answers)
    html = client.get(f"/assessment/{submission.token}/result/").content.decode()
    assert "emergency department" in html and "911" in html
    assert "/book/?intake=" not in html
    assert submission.highest_flag == "emergency"


def test_urgent_answers_point_to_urgent_care_with_the_clinic_phone(client):
    from tests.factories import LocationFactory

    LocationFactory(name="McLean", phone="(703) 555-0187")
    answers = with_changes(WEAK_GLUTES, safety_check={"safety_urgent": ["knee_locked"]})
    submission = complete(client, answers)
    html = client.get(f"/assessment/{submission.token}/result/").content.decode()
    assert "urgent care center today" in html and "(703) 555-0187" in html
    assert "/book/?intake=" not in html


def test_unknown_token_gets_a_friendly_page(client):
    response = client.get("/assessment/not-a-real-token/result/")
    assert response.status_code == 404
    assert "expired" in response.content.decode()


def test_save_and_resume_by_link_and_email(client):
    submission = start(client)
    answer_all(client, submission, {"about-you": WEAK_GLUTES["about-you"]})
    response = client.post(
        step_url(submission, "your-pain"), {"pain_side": "both", "action": "save"}
    )
    assert response["Location"] == f"/assessment/{submission.token}/saved/"
    html = client.get(response["Location"]).content.decode()
    assert f"/assessment/{submission.token}/" in html
    client.post(f"/assessment/{submission.token}/saved/", {"email": "riley@example.com"})
    outbox_relay()
    assert len(mail.outbox) == 1
    assert f"/assessment/{submission.token}/" in mail.outbox[0].body
    # Another device: no session, only the link.
    from django.test import Client

    other = Client()
    resumed = other.get(f"/assessment/{submission.token}/")
    assert resumed["Location"] == step_url(submission, "your-pain")
    assert 'value="both" checked' in other.get(resumed["Location"]).content.decode()


def test_email_my_result_sends_the_link_not_the_health_details(client):
    submission = complete(client)
    response = client.post(
        f"/assessment/{submission.token}/result/email/", {"email": "riley@example.com"}
    )
    assert response.status_code == 302
    client.post(f"/assessment/{submission.token}/result/email/", {"email": "riley@example.com"})
    assert OutboxMessage.objects.filter(to="riley@example.com").count() == 1  # double click
    outbox_relay()
    body = mail.outbox[0].body
    assert f"/assessment/{submission.token}/result/" in body
    assert "Strength" not in body and "plank" not in body


def test_bad_email_on_result_is_explained(client):
    submission = complete(client)
    response = client.post(f"/assessment/{submission.token}/result/email/", {"email": "nope"})
    assert response.status_code == 400
    assert "valid email" in response.content.decode()


def test_expired_drafts_are_deleted_submissions_kept(client):
    old_draft = start(client)
    submitted = complete(client)
    long_ago = timezone.now() - timedelta(days=31)
    Submission.objects.filter(pk__in=[old_draft.pk, submitted.pk]).update(updated_at=long_ago)
    fresh = start(client)
    assert drafts_purge_expired() == 1
    assert set(Submission.objects.values_list("pk", flat=True)) == {submitted.pk, fresh.pk}
    assert client.get(f"/assessment/{old_draft.token}/").status_code == 404


def test_an_invalid_edit_then_back_keeps_the_saved_answer(client):
    submission = start(client)
    answer_all(client, submission, {k: WEAK_GLUTES[k] for k in ("about-you", "your-pain")})
    client.post(step_url(submission, "your-pain"), {"pain_worst": "99", "action": "back"})
    submission.refresh_from_db()
    assert submission.answers["pain_worst"] == 6


def test_the_first_step_has_no_back_button_to_lose_the_draft(client):
    submission = start(client)
    first = client.get(step_url(submission, "about-you")).content.decode()
    assert 'value="back"' not in first
    answer_all(client, submission, {"about-you": WEAK_GLUTES["about-you"]})
    assert 'value="back"' in client.get(step_url(submission, "your-pain")).content.decode()

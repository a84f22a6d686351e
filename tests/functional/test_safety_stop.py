"""An emergency or urgent answer stops the self-assessment at once: the safety page, never a
result or a booking link, and no later step opens for that token."""

import re

import pytest

from assessments.models import Submission
from itband.models import OutboxMessage
from tests.assessment_data import WEAK_GLUTES, start, with_changes
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

LATER_STEPS = ("hip-mobility", "strength-balance", "pelvic-position", "movement-technique")


@pytest.fixture
def clinics(reference_data):
    return (
        LocationFactory(name="Bethesda", phone="(301) 555-0142"),
        LocationFactory(name="McLean", phone="(703) 555-0187"),
    )


def step_url(submission, slug: str) -> str:
    return f"/assessment/{submission.token}/step/{slug}/"


def answer_until_safety(client, submission, safety: dict, *, action: str = "next"):
    """Answer the first two steps, then post the safety step; return its response."""
    for slug in ("about-you", "your-pain"):
        response = client.post(step_url(submission, slug), {**WEAK_GLUTES[slug], "action": "next"})
        assert response.status_code == 302
    return client.post(step_url(submission, "safety-check"), {**safety, "action": action})


def assert_safety_page_only(html: str) -> None:
    """A safety page, not a result: nothing that reads as "it's just your IT band", and no
    way to book from it (no link, no menu item)."""
    assert not re.search(r'href="[^"]*/book/', html)
    assert "Book an evaluation" not in html and "Book a 1-on-1" not in html
    assert "driver-chart" not in html and "Your profile" not in html
    assert "IT band pattern" not in html and "usual IT band" not in html
    assert "foam rolling" not in html.lower()
    assert "Safe things to try" not in html and "What this means" not in html


def test_an_emergency_answer_goes_straight_to_the_safety_page(client, clinics):
    submission = start(client, email="Riley@Example.com")
    safety = {**WEAK_GLUTES["safety-check"], "safety_emergency": ["calf_clot"]}
    response = answer_until_safety(client, submission, safety)
    assert response["Location"] == f"/assessment/{submission.token}/result/"
    submission.refresh_from_db()
    assert submission.is_submitted and submission.highest_flag == "emergency"
    assert submission.email == "Riley@Example.com"  # from the consent page; nothing else asked
    assert not submission.last_name and submission.date_of_birth is None
    assert "hip-mobility" not in submission.progress

    page = client.get(response["Location"])
    html = page.content.decode()
    assert page["Referrer-Policy"] == "no-referrer"
    assert "Please get emergency care now" in html
    assert "Go to the nearest emergency department now." in html and "call 911" in html
    assert "(301) 555-0142" in html and "(703) 555-0187" in html  # both clinics, emergency too
    assert "What to tell the doctor" in html
    assert "Pain, swelling or warmth in the calf" in html
    assert "Where it hurts: Outside of the knee" in html and "Which side: Right" in html
    assert_safety_page_only(html)
    # The link to this page (the link only) goes to the consent email.
    sent = OutboxMessage.objects.filter(
        topic=f"submission:{submission.pk}", key__contains=":result:"
    )
    assert sent.count() == 1 and submission.token in sent.get().body_text


@pytest.mark.parametrize("slug", [*LATER_STEPS, "review"])
def test_no_later_step_opens_by_url(client, clinics, slug):
    submission = start(client)
    answer_until_safety(
        client,
        submission,
        {**WEAK_GLUTES["safety-check"], "injury": "yes", "injury_signs": ["cannot_bear_weight"]},
    )
    url = (
        step_url(submission, slug)
        if slug != "review"
        else f"/assessment/{submission.token}/review/"
    )
    result = f"/assessment/{submission.token}/result/"
    assert client.get(url)["Location"] == result
    answers = {**WEAK_GLUTES.get(slug, {}), "action": "next", "first_name": "X"}
    assert client.post(url, answers)["Location"] == result
    submission.refresh_from_db()
    assert not (set(submission.answers) & {"thomas_test", "side_plank", "first_name"})
    assert client.get(f"/assessment/{submission.token}/")["Location"] == result


def test_a_red_flag_stops_even_with_the_rest_of_the_step_unanswered(client, clinics):
    submission = start(client)
    response = answer_until_safety(client, submission, {"safety_emergency": ["joint_infection"]})
    assert response["Location"] == f"/assessment/{submission.token}/result/"
    submission.refresh_from_db()
    assert submission.is_submitted and submission.highest_flag == "emergency"


@pytest.mark.parametrize("action", ["save", "back"])
def test_a_red_flag_stops_whichever_button_is_pressed(client, clinics, action):
    submission = start(client)
    safety = {**WEAK_GLUTES["safety-check"], "safety_urgent": ["knee_locked"]}
    response = answer_until_safety(client, submission, safety, action=action)
    assert response["Location"] == f"/assessment/{submission.token}/result/"


def test_chest_pain_says_call_911_now(client, clinics):
    submission = start(client)
    answer_until_safety(
        client,
        submission,
        {**WEAK_GLUTES["safety-check"], "safety_emergency": ["chest_breathless"]},
    )
    html = client.get(f"/assessment/{submission.token}/result/").content.decode()
    assert "Call 911 now." in html


def test_an_urgent_answer_gets_the_urgent_safety_page(client, clinics):
    submission = start(client)
    safety = {**WEAK_GLUTES["safety-check"], "safety_urgent": ["new_numbness"]}
    answer_until_safety(client, submission, safety)
    html = client.get(f"/assessment/{submission.token}/result/").content.decode()
    assert "Please see a doctor today" in html
    assert "See a doctor or an urgent care center today." in html
    assert "(301) 555-0142" in html and "(703) 555-0187" in html
    assert "New numbness, tingling or weakness in the leg" in html
    assert_safety_page_only(html)


def test_a_draft_saved_with_a_red_flag_before_the_stop_ends_when_opened(client, clinics):
    """A draft from before the questionnaire stopped at once: it is submitted on its next
    visit, and its later steps stay shut."""
    submission = start(client)
    answers = with_changes(WEAK_GLUTES, safety_check={"safety_emergency": ["cold_foot"]})
    flat = {k: v for step in answers.values() for k, v in step.items()}
    Submission.objects.filter(pk=submission.pk).update(
        answers={
            **flat,
            "pain_worst": 6,
            "pain_rest": 1,
            "side_plank_left": 40,
            "side_plank_right": 25,
            "cadence": 172,
        },
        progress=list(answers)[:4],
    )
    response = client.get(step_url(submission, "strength-balance"))
    assert response["Location"] == f"/assessment/{submission.token}/result/"
    submission.refresh_from_db()
    assert submission.is_submitted and submission.highest_flag == "emergency"


def test_the_email_form_on_the_safety_page_keeps_it_a_safety_page(client, clinics):
    submission = start(client)
    answer_until_safety(
        client, submission, {**WEAK_GLUTES["safety-check"], "safety_emergency": ["calf_clot"]}
    )
    response = client.post(f"/assessment/{submission.token}/result/email/", {"email": "nope"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "Please get emergency care now" in html and "valid email" in html
    assert_safety_page_only(html)


def test_soft_flags_keep_the_result_and_booking_with_a_time_frame(client, clinics):
    from tests.assessment_data import answer_all

    submission = start(client)
    answers = with_changes(
        WEAK_GLUTES, safety_check={"safety_soft": ["night_or_constant_pain", "weight_loss"]}
    )
    answer_all(client, submission, answers)
    client.post(f"/assessment/{submission.token}/review/", {})
    html = client.get(f"/assessment/{submission.token}/result/").content.decode()
    assert "Please see your doctor this week" in html
    assert f"/book/?intake={submission.token}" in html
    assert "Your profile" in html


def test_a_training_jump_alone_is_no_bone_stress_flag_on_the_result(client, clinics):
    from tests.assessment_data import answer_all

    submission = start(client)
    answers = with_changes(WEAK_GLUTES, safety_check={"bone_stress": ["after_training_jump"]})
    answer_all(client, submission, answers)
    client.post(f"/assessment/{submission.token}/review/", {})
    submission.refresh_from_db()
    assert submission.highest_flag == ""
    html = client.get(f"/assessment/{submission.token}/result/").content.decode()
    assert "bone stress" not in html.lower() and "stop running" not in html


def test_a_stored_result_renders_as_it_was_stored(client, clinics):
    """Results are never rescored: a v1 bone-stress flag raised by a training jump alone,
    stored before the rubric change, still shows as it was."""
    from tests.factories import submitted_intake

    old = {
        "level": "soft",
        "code": "bone_stress",
        "title": "Possible bone stress injury",
        "advice": "Please stop running until you've been seen: a bone stress injury gets worse.",
    }
    intake = submitted_intake(result={"highest_flag": "soft", "flags": [old]})
    from assessments.questionnaire import CURRENT
    from assessments.scoring import score

    stored = score(CURRENT, {}).as_dict() | {"highest_flag": "soft", "flags": [old]}
    Submission.objects.filter(pk=intake.pk).update(result=stored, highest_flag="soft")
    html = client.get(f"/assessment/{intake.token}/result/").content.decode()
    assert "Possible bone stress injury" in html and "gets worse." in html


def test_the_clinician_sees_the_stopped_intake_first_and_can_follow_up(
    client, clinics, clinician_user
):
    submission = start(client, email="riley@example.com")
    answer_until_safety(
        client, submission, {**WEAK_GLUTES["safety-check"], "safety_emergency": ["calf_clot"]}
    )
    client.force_login(clinician_user)
    queue = client.get("/clinician/")
    assert queue.context["intakes"][0].pk == submission.pk
    html = client.get(f"/clinician/intake/{submission.pk}/").content.decode()
    assert 'id="stopped-early"' in html
    assert "Record contact" in html and "Clear the flag for booking" in html


def test_the_safety_step_says_a_red_flag_stops_there(client, clinics):
    submission = start(client)
    for slug in ("about-you", "your-pain"):
        client.post(step_url(submission, slug), {**WEAK_GLUTES[slug], "action": "next"})
    assert 'id="stop-note"' in client.get(step_url(submission, "safety-check")).content.decode()
    assert 'id="stop-note"' not in client.get(step_url(submission, "your-pain")).content.decode()

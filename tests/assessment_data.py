"""Answers a runner gives, per step, and a helper that walks the questionnaire through URLs.

``WEAK_GLUTES`` and the helpers' defaults are version 1's: the tests written for version 1 pin
it explicitly (``version="1"``), since new runners get version 2. Version 2's answers and
helpers are further down (``V2_CORE``, ``complete_v2``).
"""

from assessments.models import Submission

V1 = "1"
V2 = "2"

# A runner with a textbook ITB picture driven by weak glutes (strength balance).
WEAK_GLUTES = {
    "about-you": {
        "age_band": "35_to_54",
        "sex": "female",
        "weekly_distance": "20_to_35_mi",
        "distance_change": "about_same",
        "longest_run": "10k_to_half",
        "terrain": ["flat_roads"],
        "years_running": "3_to_10_years",
        "shoes_mileage": "under_300_mi",
        "next_race": "none_planned",
    },
    "your-pain": {
        "pain_location": ["outside_knee"],
        "pain_side": "right",
        "pain_onset": "into_run",
        "pain_downhill": "yes",
        "pain_worst": "6",
        "pain_rest": "1",
        "pain_duration": "6_weeks_to_3_months",
        "tried": ["foam_rolling", "stretching"],
        "tried_helped": "short_term",
    },
    "safety-check": {
        "safety_emergency": ["none"],
        "injury": "no",
        "safety_urgent": ["none"],
        "safety_soft": ["none"],
        "bone_stress": ["none"],
    },
    "hip-mobility": {
        "thomas_test": ["none"],
        "hip_rotation": "about_same",
        "deep_squat": "comfortable",
        "sitting_hours": "under_6",
    },
    "strength-balance": {
        "side_plank": "held",
        "side_plank_left": "40",
        "side_plank_right": "25",
        "single_leg_stance": "opposite_hip_drops",
        "side_lying_leg_raise": "tfl_takes_over",
        "single_leg_bridge": "hips_drop_or_twist",
        "strength_training": "never",
    },
    "pelvic-position": {
        "standing_posture": "neutral",
        "wall_test": "flat_hand_or_less",
        "rib_flare": "no",
        "low_back_after_runs": "no",
    },
    "movement-technique": {
        "single_leg_squat": ["none"],
        "cadence_known": "yes",
        "cadence": "172",
        "crossover": "no",
        "overstriding": "no",
    },
}


def with_changes(base: dict, **steps: dict) -> dict:
    """A copy of ``base`` with some steps' answers replaced or added (slug with _ for -)."""
    answers = {slug: dict(values) for slug, values in base.items()}
    for key, values in steps.items():
        answers[key.replace("_", "-")].update(values)
    return answers


def start(client, email: str = "", version: str = V1) -> Submission:
    """Consent through the start page, then pin the fresh draft to ``version`` (the start page
    always starts the current version; an empty draft can be moved to another)."""
    response = client.post("/assessment/", {"consent": "on", "email": email})
    assert response.status_code == 302, response.content.decode()[:2000]
    submission = Submission.objects.latest("created_at")
    if submission.questionnaire_version != version:
        assert not submission.answers
        Submission.objects.filter(pk=submission.pk).update(questionnaire_version=version)
        submission.questionnaire_version = version
    return submission


def answer_all(client, submission: Submission, answers: dict) -> None:
    for slug, values in answers.items():
        url = f"/assessment/{submission.token}/step/{slug}/"
        response = client.post(url, {**values, "action": "next"})
        assert response.status_code == 302, (slug, response.content.decode()[:3000])


def complete(client, answers: dict = WEAK_GLUTES, **contact) -> Submission:
    submission = start(client)
    answer_all(client, submission, answers)
    response = client.post(f"/assessment/{submission.token}/review/", contact)
    assert response.status_code == 302, response.content.decode()[:3000]
    submission.refresh_from_db()
    return submission


def make_submission(answers: dict = WEAK_GLUTES, *, version: str = V1, **contact) -> Submission:
    """A submitted intake built with the product's own services (no HTTP). An emergency or
    urgent answer ends it at its step, as in the product: then only the email is kept (given
    on the consent page)."""
    from assessments.forms import StepForm
    from assessments.questionnaire import get_version
    from assessments.services import (
        Contact,
        submission_save_step,
        submission_start,
        submission_submit,
    )

    questionnaire = get_version(version)
    submission = submission_start(email=contact.get("email", ""), version=version)
    for slug, values in answers.items():
        step = questionnaire.step(slug)
        form = StepForm(
            dict(values),
            questionnaire=questionnaire,
            step=step,
            stored=submission.answers,
        )
        assert form.is_valid(), (slug, form.errors)
        submission = submission_save_step(
            submission=submission, step_slug=slug, step_answers=form.step_answers(), complete=True
        )
        if submission.is_submitted:  # stopped at a red flag
            return submission
    return submission_submit(submission=submission, contact=Contact(**contact))


SOFT_FLAG_ANSWERS = with_changes(WEAK_GLUTES, safety_check={"safety_soft": ["giving_way"]})


# -- version 2 ------------------------------------------------------------------------------------

# The core of a runner whose pain fits the IT band pattern after a mileage jump, who sits a lot
# and rarely does strength work (so two drivers have something "to look at").
V2_CORE = {
    "your-running": {
        "age_band": "35_to_54",
        "distance_change": "up_over_30",
        "terrain": ["more_downhill"],
        "shoes_mileage": "under_300_mi",
        "strength_training": "never",
        "sitting_hours": "6_or_more",
    },
    "your-pain": {
        "pain_location": ["outside_knee"],
        "pain_side": "right",
        "pain_onset": "into_run",
        "pain_downhill": "yes",
        "pain_duration": "2_to_6_weeks",
        "pain_worst": "6",
        "tried": ["foam_rolling_little"],
    },
    "safety-check": {"safety_emergency": ["none"], "safety_soft": ["none"]},
}

# Each module answered as the weak-glutes runner would.
V2_MODULES = {
    "hip-mobility": {
        "thomas_test": ["none"],
        "hip_rotation": "about_same",
        "deep_squat": "comfortable",
    },
    "strength-balance": {
        "side_plank": "held",
        "side_plank_left": "40",
        "side_plank_right": "25",
        "single_leg_stance": "opposite_hip_drops",
        "side_lying_leg_raise": "tfl_takes_over",
        "single_leg_bridge": "hips_drop_or_twist",
    },
    "pelvic-position": {
        "standing_posture": "neutral",
        "wall_test": "flat_hand_or_less",
        "rib_flare": "no",
        "low_back_after_runs": "no",
    },
    "movement-technique": {
        "single_leg_squat": ["none"],
        "cadence_known": "yes",
        "cadence": "172",
        "crossover": "no",
        "overstriding": "no",
    },
}


def contact_fields(**contact) -> dict:
    """The optional details on version 2's last core page (the form's "contact" prefix)."""
    return {f"contact-{key}": value for key, value in contact.items()}


def complete_v2(client, answers: dict = V2_CORE, **contact) -> Submission:
    """Walk version 2's core through URLs; the last page sends it with the contact details."""
    submission = start(client, version=V2)
    slugs = list(answers)
    for slug in slugs:
        data = {**answers[slug], "action": "next"}
        if slug == slugs[-1]:
            data.update(contact_fields(**contact))
        response = client.post(f"/assessment/{submission.token}/step/{slug}/", data)
        assert response.status_code == 302, (slug, response.content.decode()[:3000])
    submission.refresh_from_db()
    return submission


def do_module(client, submission: Submission, key: str, answers: dict | None = None):
    answers = V2_MODULES[key] if answers is None else answers
    response = client.post(f"/assessment/{submission.token}/module/{key}/", answers)
    assert response.status_code == 302, response.content.decode()[:3000]
    submission.refresh_from_db()
    return submission


def make_submission_v2(answers: dict = V2_CORE, **contact) -> Submission:
    """A submitted version 2 intake (core only) built with the product's services."""
    return make_submission(answers, version=V2, **contact)

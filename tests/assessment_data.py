"""Answers a runner gives, per step, and a helper that walks the questionnaire through URLs."""

from assessments.models import Submission

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


def start(client, email: str = "") -> Submission:
    response = client.post("/assessment/", {"consent": "on", "email": email})
    assert response.status_code == 302, response.content.decode()[:2000]
    return Submission.objects.latest("created_at")


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


def make_submission(answers: dict = WEAK_GLUTES, **contact) -> Submission:
    """A submitted intake built with the product's own services (no HTTP). An emergency or
    urgent answer ends it at its step, as in the product: then only the email is kept (given
    on the consent page)."""
    from assessments.forms import StepForm
    from assessments.questionnaire import CURRENT
    from assessments.services import (
        Contact,
        submission_save_step,
        submission_start,
        submission_submit,
    )

    submission = submission_start(email=contact.get("email", ""))
    for slug, values in answers.items():
        step = CURRENT.step(slug)
        form = StepForm(
            dict(values),
            questionnaire=CURRENT,
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

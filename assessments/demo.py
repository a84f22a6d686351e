"""Demo intakes for seed_demo: one runner per persona, built with the product's services.

The demo runners answered version 1 (their answers are version 1's linkIds), so they stay on
it, pinned; new runners get the current version.

Idempotent: a demo runner is found again by email, so running seed_demo twice adds nothing.
"""

from datetime import date

from assessments.models import Submission
from assessments.questionnaire import get_version
from assessments.services import (
    Contact,
    submission_save_module,
    submission_save_step,
    submission_start,
    submission_submit,
)

BASE = {
    "age_band": "35_to_54",
    "weekly_distance": "20_to_35_mi",
    "distance_change": "about_same",
    "longest_run": "10k_to_half",
    "terrain": ["flat_roads"],
    "years_running": "3_to_10_years",
    "shoes_mileage": "under_300_mi",
    "pain_location": ["outside_knee"],
    "pain_side": "right",
    "pain_onset": "into_run",
    "pain_downhill": "yes",
    "pain_worst": 6,
    "pain_rest": 1,
    "pain_duration": "6_weeks_to_3_months",
    "tried": ["foam_rolling", "stretching"],
    "tried_helped": "short_term",
    "safety_emergency": ["none"],
    "injury": "no",
    "safety_urgent": ["none"],
    "safety_soft": ["none"],
    "bone_stress": ["none"],
    "thomas_test": ["none"],
    "hip_rotation": "about_same",
    "deep_squat": "comfortable",
    "sitting_hours": "under_6",
    "side_plank": "held",
    "side_plank_left": 65,
    "side_plank_right": 62,
    "single_leg_stance": "stays_level",
    "side_lying_leg_raise": "smooth",
    "single_leg_bridge": "steady",
    "strength_training": "twice_or_more",
    "standing_posture": "neutral",
    "wall_test": "flat_hand_or_less",
    "rib_flare": "no",
    "low_back_after_runs": "no",
    "single_leg_squat": ["none"],
    "cadence_known": "yes",
    "cadence": 172,
    "crossover": "no",
    "overstriding": "no",
}

PERSONAS = (
    (
        "Maya",
        "Brooks",
        "maya.brooks",
        {
            "side_plank_right": 25,
            "single_leg_stance": "opposite_hip_drops",
            "side_lying_leg_raise": "tfl_takes_over",
            "strength_training": "never",
        },
    ),
    (
        "Ethan",
        "Park",
        "ethan.park",
        {
            "thomas_test": ["thigh_lifts", "thigh_drifts_out"],
            "hip_rotation": "less_painful_side",
            "sitting_hours": "6_or_more",
        },
    ),
    (
        "Sofia",
        "Reyes",
        "sofia.reyes",
        {
            "single_leg_squat": ["knee_dives_in", "hip_drops"],
            "cadence": 154,
            "crossover": "yes_video",
            "overstriding": "yes_told",
        },
    ),
    (
        "Liam",
        "Chen",
        "liam.chen",
        {"distance_change": "up_over_30", "terrain": ["more_downhill", "camber_or_track"]},
    ),
    (
        "Ava",
        "Nguyen",
        "ava.nguyen",
        {"age_band": "under_18", "safety_soft": ["giving_way"], "side_plank_right": 35},
    ),
    ("Noah", "Williams", "noah.williams", {"safety_urgent": ["knee_locked"]}),
    (
        "Grace",
        "Okafor",
        "grace.okafor",
        {
            "pain_location": ["front_knee"],
            "standing_posture": "tips_forward",
            "wall_test": "more_than_flat_hand",
            "rib_flare": "yes",
            "low_back_after_runs": "yes",
        },
    ),
)

DEMO_DOMAIN = "demo.example.com"
DEMO_VERSION = get_version("1")


def demo_birth_date(index: int, *, minor: bool) -> date:
    return date(2011 if minor else 1980 + 2 * index, 1 + index, 10 + index)


# Version 2 runners (the current questionnaire): the core, and for one of them a home-test
# module done after the result, so the clinician's view shows both states.
V2_CORE = {
    "age_band": "35_to_54",
    "distance_change": "up_over_30",
    "terrain": ["more_downhill"],
    "shoes_mileage": "under_300_mi",
    "strength_training": "never",
    "sitting_hours": "6_or_more",
    "pain_location": ["outside_knee"],
    "pain_side": "left",
    "pain_onset": "into_run",
    "pain_downhill": "yes",
    "pain_duration": "2_to_6_weeks",
    "pain_worst": 5,
    "tried": ["foam_rolling_little"],
    "safety_emergency": ["none"],
    "safety_soft": ["none"],
}
V2_STRENGTH_MODULE = {
    "side_plank": "held",
    "side_plank_left": 38,
    "side_plank_right": 52,
    "single_leg_stance": "opposite_hip_drops",
    "side_lying_leg_raise": "tfl_takes_over",
    "single_leg_bridge": "hips_drop_or_twist",
}
V2_PERSONAS = (
    ("Zoe", "Martin", "zoe.martin", {}),
    ("Omar", "Haddad", "omar.haddad", {"strength-balance": V2_STRENGTH_MODULE}),
)


def seed_assessment_demo() -> list[Submission]:
    return [*_seed_v1_runners(), *_seed_v2_runners()]


def _seed_v2_runners() -> list[Submission]:
    intakes = []
    for index, (first, last, handle, modules) in enumerate(V2_PERSONAS, start=len(PERSONAS)):
        email = f"{handle}@{DEMO_DOMAIN}"
        existing = Submission.objects.submitted().filter(email=email).first()
        if existing:
            intakes.append(existing)
            continue
        submission = submit_v2(
            first=first,
            last=last,
            email=email,
            date_of_birth=demo_birth_date(index, minor=False),
            modules=modules,
        )
        intakes.append(submission)
    return intakes


def submit_v2(*, first, last, email, date_of_birth, modules=None) -> Submission:
    """A version 2 intake through the product's services: the demo's core answers, then any
    home-test modules (also the bench's version 2 result)."""
    current = get_version("2")
    submission = submission_start(email=email, version=current.version)
    for step in current.core_steps:
        own = {q.link_id: V2_CORE[q.link_id] for q in step.questions if q.link_id in V2_CORE}
        submission = submission_save_step(
            submission=submission, step_slug=step.slug, step_answers=own, complete=True
        )
    submission = submission_submit(
        submission=submission,
        contact=Contact(
            first_name=first,
            last_name=last,
            email=email,
            phone="(301) 555-0199",
            date_of_birth=date_of_birth,
        ),
    )
    for key, answers in (modules or {}).items():
        submission = submission_save_module(
            submission=submission, module_key=key, module_answers=answers
        )
    return submission


def _seed_v1_runners() -> list[Submission]:
    intakes = []
    for index, (first, last, handle, changes) in enumerate(PERSONAS):
        email = f"{handle}@{DEMO_DOMAIN}"
        existing = Submission.objects.submitted().filter(email=email).first()
        if existing:
            intakes.append(existing)
            continue
        answers = {**BASE, **changes}
        submission = submission_start(email=email, version=DEMO_VERSION.version)
        for step in DEMO_VERSION.steps:
            own = {q.link_id: answers[q.link_id] for q in step.questions if q.link_id in answers}
            submission = submission_save_step(
                submission=submission, step_slug=step.slug, step_answers=own, complete=True
            )
            if submission.is_submitted:  # a red flag ended it here, with the consent email only
                break
        else:
            submission = submission_submit(
                submission=submission,
                contact=Contact(
                    first_name=first,
                    last_name=last,
                    email=email,
                    phone="(301) 555-0199",
                    date_of_birth=demo_birth_date(index, minor=answers["age_band"] == "under_18"),
                ),
            )
        intakes.append(submission)
    return intakes

"""The safety rules of rubric v2 (SCORING.md) in the pure scoring core: when the questionnaire
stops, the bone-stress flag, the doctor's time frame, and the booking page's list of signs."""

import pytest

from assessments.questionnaire import get_version
from assessments.scoring import (
    BOOKING_BLOCKING_LEVELS,
    FLAG_RULES,
    RED_FLAG_SIGNS,
    blocking_level,
    ends_questionnaire,
    flags_for,
    safety_flags,
    score,
)

# These rules are pinned to version 1's questions (version 2's lists: test_scoring_v2.py).
V1 = get_version("1")


def flags(**answers):
    return safety_flags(V1.clean_answers(answers))


def codes(**answers) -> tuple[str, ...]:
    return tuple(flag.code for flag in flags(**answers))


# -- the questionnaire stops at an emergency or urgent answer ---------------------------------

STOPPING = [
    {"safety_emergency": ["calf_clot"]},
    {"safety_emergency": ["chest_breathless"]},
    {"safety_emergency": ["joint_infection"]},
    {"safety_emergency": ["cold_foot"]},
    {"safety_emergency": ["saddle_numbness"]},
    {"injury": "yes", "injury_signs": ["cannot_bear_weight"]},
    {"injury": "yes", "injury_signs": ["cannot_bend_90"]},
    {"injury": "yes", "injury_signs": ["swelling_2h"]},
    {"injury": "yes", "injury_signs": ["none"], "age_band": "55_plus"},
    {"safety_urgent": ["knee_locked"]},
    {"safety_urgent": ["new_numbness"]},
]
NOT_STOPPING = [
    {},
    {"safety_emergency": ["none"], "safety_urgent": ["none"], "injury": "no"},
    {"safety_soft": ["night_or_constant_pain", "weight_loss", "cancer_history", "giving_way"]},
    {"bone_stress": ["bone_pain_one_spot", "hop_pain"]},
    {"age_band": "under_18"},
    {"age_band": "55_plus", "injury": "no"},  # Ottawa applies only after an injury
]


@pytest.mark.parametrize("answers", STOPPING)
def test_an_emergency_or_urgent_answer_ends_the_questionnaire(answers):
    assert ends_questionnaire(V1.clean_answers(answers))
    assert blocking_level(flags(**answers)) in BOOKING_BLOCKING_LEVELS


@pytest.mark.parametrize("answers", NOT_STOPPING)
def test_soft_flags_and_no_flags_let_the_questionnaire_go_on(answers):
    assert not ends_questionnaire(V1.clean_answers(answers))
    assert blocking_level(flags(**answers)) is None


def test_emergency_outranks_urgent():
    found = flags(safety_emergency=["cold_foot"], safety_urgent=["knee_locked"])
    assert blocking_level(found) == "emergency"
    assert blocking_level(flags(safety_urgent=["knee_locked"])) == "urgent"


# -- bone stress needs a focal-bone sign ------------------------------------------------------


@pytest.mark.parametrize("sign", ["after_training_jump", "low_energy"])
def test_a_training_jump_or_low_energy_alone_raises_no_flag(sign):
    assert codes(bone_stress=[sign]) == ()
    assert codes(bone_stress=["after_training_jump", "low_energy"]) == ()


@pytest.mark.parametrize("sign", ["bone_pain_one_spot", "hop_pain"])
def test_a_focal_bone_sign_raises_the_flag_and_says_stop_running(sign):
    (flag,) = flags(bone_stress=[sign])
    assert flag.code == "bone_stress" and flag.level == "soft"
    assert "stop running until you've been seen" in flag.advice
    assert "training" not in flag.advice and "periods" not in flag.advice


def test_the_training_jump_and_low_energy_are_named_in_the_advice_when_present():
    (flag,) = flags(bone_stress=["hop_pain", "after_training_jump", "low_energy"])
    assert "big jump in training" in flag.advice
    assert "missed or irregular periods" in flag.advice
    assert flag.advice.endswith("please also tell your doctor about this.")


# -- night pain with weight loss, or either with cancer: see your doctor this week ------------


@pytest.mark.parametrize(
    "pair",
    [
        ["night_or_constant_pain", "weight_loss"],
        ["night_or_constant_pain", "cancer_history"],
        ["weight_loss", "cancer_history"],
    ],
)
def test_two_of_night_pain_weight_loss_and_cancer_get_a_time_frame(pair):
    result = score(V1, {"safety_soft": pair})
    assert result.flags[0].code == "doctor_this_week"
    assert result.flags[0].title == "Please see your doctor this week"
    assert {flag.level for flag in result.flags} == {"soft"}  # still soft: booking allowed
    assert result.booking_allowed


@pytest.mark.parametrize(
    "single", ["night_or_constant_pain", "weight_loss", "cancer_history", "giving_way"]
)
def test_one_of_them_alone_has_no_time_frame(single):
    assert "doctor_this_week" not in codes(safety_soft=[single])


# -- the booking page's list of signs --------------------------------------------------------


def test_the_screen_lists_every_emergency_and_urgent_sign_once():
    listed = [code for code, _ in RED_FLAG_SIGNS]
    assert len(listed) == len(set(listed))
    red = {code for code, rule in FLAG_RULES.items() if rule.level in BOOKING_BLOCKING_LEVELS}
    assert set(listed) == red


def test_screen_answers_map_to_the_same_flags_as_the_questionnaire():
    assert blocking_level(flags_for(["calf_clot"])) == "emergency"
    assert blocking_level(flags_for(["ottawa_age", "none"])) == "urgent"
    assert blocking_level(flags_for(["none"])) is None
    assert flags_for(["calf_clot"]) == flags(safety_emergency=["calf_clot"])

"""The questionnaire definition: structure, rubric points, visibility rules and immutability."""

from __future__ import annotations

import dataclasses
import datetime

import pytest

from assessments.questionnaire import (
    CURRENT,
    VERSIONS,
    Condition,
    FrozenPoints,
    Option,
    Question,
    Questionnaire,
    Step,
    get_version,
)
from assessments.questionnaire.education import (
    DRIVER_EDUCATION,
    LIKELIHOOD_TEXT,
    education_for,
)
from assessments.scoring import (
    COMPUTED_ITEMS,
    FACTORS,
    FLAG_QUESTIONS,
    FLAG_RULES,
    LIKELIHOODS,
    NONE_OF_THESE,
    OPTION_REASONS,
)

V1 = get_version("1")

# Published versions are never edited. If this fails because you changed v1.py, revert it and add
# v2.py signed off by a clinician instead. Only a model change that alters the canonical JSON of
# unchanged content justifies re-pinning (and then every version's hash moves together).
V1_CONTENT_SHA256 = "8982e2a057bcef79da78f5dd558cd6fcc6dd5732cd4b470aaf763c8b7b545fb1"

EXPECTED_STEPS = (
    "about-you",
    "your-pain",
    "safety-check",
    "hip-mobility",
    "strength-balance",
    "pelvic-position",
    "movement-technique",
)

# Every scored finding of SCORING.md that is an option: (linkId, option) -> points per driver.
EXPECTED_OPTION_POINTS = {
    ("distance_change", "up_over_30"): {"training_load": 3},
    ("distance_change", "up_10_to_30"): {"training_load": 1},
    ("terrain", "more_downhill"): {"training_load": 2},
    ("terrain", "camber_or_track"): {"training_load": 1},
    ("shoes_mileage", "over_500_mi"): {"training_load": 1},
    ("thomas_test", "thigh_lifts"): {"hip_mobility": 2},
    ("thomas_test", "thigh_drifts_out"): {"hip_mobility": 2},
    ("thomas_test", "knee_straightens"): {"hip_mobility": 1},
    ("hip_rotation", "less_painful_side"): {"hip_mobility": 2},
    ("deep_squat", "heels_or_pinch"): {"hip_mobility": 1},
    ("sitting_hours", "6_or_more"): {"hip_mobility": 1},
    ("side_plank", "could_not_hold"): {"strength_balance": 3},
    ("single_leg_stance", "opposite_hip_drops"): {"strength_balance": 3},
    ("side_lying_leg_raise", "tfl_takes_over"): {"strength_balance": 2},
    ("strength_training", "never"): {"strength_balance": 1},
    ("strength_training", "once_a_week"): {"strength_balance": 0.5},
    ("single_leg_squat", "knee_dives_in"): {"movement_technique": 2},
    ("single_leg_squat", "hip_drops"): {"movement_technique": 1, "strength_balance": 1},
    ("single_leg_squat", "trunk_leans"): {"movement_technique": 1},
    ("crossover", "yes_video"): {"movement_technique": 2},
    ("crossover", "yes_told"): {"movement_technique": 2},
    ("overstriding", "yes_video"): {"movement_technique": 1},
    ("overstriding", "yes_told"): {"movement_technique": 1},
    ("standing_posture", "tips_forward"): {"pelvic_position": 1},
    ("wall_test", "more_than_flat_hand"): {"pelvic_position": 1},
    ("rib_flare", "yes"): {"pelvic_position": 1},
    ("low_back_after_runs", "yes"): {"pelvic_position": 1},
}

EXPECTED_SELF_TESTS = {
    "thomas_test",
    "hip_rotation",
    "deep_squat",
    "side_plank",
    "single_leg_stance",
    "side_lying_leg_raise",
    "single_leg_bridge",
    "standing_posture",
    "wall_test",
    "rib_flare",
    "single_leg_squat",
    "crossover",
    "overstriding",
}


def _choice_questions():
    return [question for question in V1.questions() if question.is_choice]


# -- registry and sign-off ----------------------------------------------------------------------


def test_new_runners_answer_v2_and_v1_stays_registered():
    # Version 2's pages shipped (issue 15): new drafts start on it; version 1's drafts and
    # results keep their own definition.
    assert CURRENT is VERSIONS["2"]
    assert list(VERSIONS) == ["1", "2"] and VERSIONS["1"] is V1


def test_unknown_version_is_a_key_error():
    with pytest.raises(KeyError):
        get_version("0")


def test_v1_is_signed_off_by_a_named_clinician():
    assert V1.signed_off_by == "Dr. Dana Cohen, PT, DPT (demo)"
    assert V1.signed_off_on == datetime.date(2026, 11, 20)


def test_published_v1_content_is_pinned():
    assert V1.content_hash() == V1_CONTENT_SHA256, (
        "Questionnaire v1 changed. Published versions are never edited: add v2 "
        "(assessments/questionnaire/v2.py, signed off by a named clinician) instead."
    )


def test_definition_is_immutable():
    with pytest.raises(dataclasses.FrozenInstanceError):
        V1.version = "2"  # type: ignore[misc]
    option = V1.question("thomas_test").option("thigh_lifts")
    with pytest.raises(TypeError):
        option.points["hip_mobility"] = 0  # type: ignore[index]
    assert hash(V1) == hash(V1)


# -- structure ----------------------------------------------------------------------------------


def test_steps_are_the_seven_designed_steps_in_order():
    assert tuple(step.slug for step in V1.steps) == EXPECTED_STEPS
    assert [V1.step_index(slug) for slug in EXPECTED_STEPS] == list(range(7))


def test_link_ids_and_step_slugs_are_unique():
    link_ids = [question.link_id for question in V1.questions()]
    assert len(link_ids) == len(set(link_ids))
    slugs = [step.slug for step in V1.steps]
    assert len(slugs) == len(set(slugs))


def test_lookups():
    assert V1.step("hip-mobility").title == "Hip mobility"
    assert V1.question("cadence").unit == "steps per minute"
    assert V1.step_of("cadence").slug == "movement-technique"
    assert V1.next_step("about-you").slug == "your-pain"
    assert V1.next_step("movement-technique") is None
    assert V1.previous_step("about-you") is None
    assert V1.previous_step("your-pain").slug == "about-you"
    with pytest.raises(KeyError):
        V1.step("nope")
    with pytest.raises(KeyError):
        V1.step_index("nope")
    with pytest.raises(KeyError):
        V1.question("nope")


def test_every_enable_when_points_to_an_earlier_question_and_existing_values():
    seen: dict[str, Question] = {}
    for question in V1.questions():
        for condition in question.enable_when:
            assert condition.question in seen, f"{question.link_id} depends on a later question"
            source = seen[condition.question]
            if condition.operator in ("in", "not_in"):
                values = {option.value for option in source.options}
                assert set(condition.values) <= values, question.link_id
            if condition.operator in (">=", "<"):
                assert source.kind == "integer"
        seen[question.link_id] = question


def test_every_step_is_reachable():
    for step in V1.steps:
        assert not step.questions[0].enable_when, step.slug
        assert V1.visible_questions(step, {}), step.slug


def test_every_conditional_question_can_be_shown():
    for question in V1.questions():
        if not question.enable_when:
            continue
        answers = {c.question: _satisfying_value(c) for c in question.enable_when}
        assert V1.is_enabled(question, answers), question.link_id


def _satisfying_value(condition: Condition):
    source = V1.question(condition.question)
    value = condition.values[0]
    return [value] if source.kind == "multiple" else value


def test_choice_questions_have_valid_kinds_and_options():
    for question in V1.questions():
        assert question.kind in ("single", "multiple", "integer", "text")
        if question.is_choice:
            assert len(question.options) >= 2, question.link_id
        if question.kind == "integer":
            assert question.min_value is not None and question.max_value is not None
            assert question.unit


def test_every_scored_finding_has_the_rubric_points():
    actual = {
        (question.link_id, option.value): dict(option.points)
        for question in _choice_questions()
        for option in question.options
        if option.points
    }
    assert actual == EXPECTED_OPTION_POINTS


def test_option_points_use_known_drivers_only():
    for question in _choice_questions():
        for option in question.options:
            assert set(option.points) <= set(FACTORS), (question.link_id, option.value)


def test_computed_items_exist_with_their_numeric_questions():
    assert set(COMPUTED_ITEMS) <= {question.link_id for question in V1.questions()}
    for link_id in ("side_plank_left", "side_plank_right"):
        question = V1.question(link_id)
        assert question.kind == "integer" and question.unit == "seconds"
        assert question.enable_when == (Condition("side_plank", "in", ("held",)),)
    cadence = V1.question("cadence")
    assert cadence.kind == "integer"
    assert cadence.enable_when == (Condition("cadence_known", "in", ("yes",)),)


def test_every_scored_option_has_a_reason_sentence_in_both_wordings():
    for (link_id, value), points in EXPECTED_OPTION_POINTS.items():
        for driver in points:
            text = OPTION_REASONS[(link_id, value, driver)]
            assert "IT band" in text.itb, (link_id, value, driver)
            assert "IT band" not in text.general, (link_id, value, driver)


def test_every_self_test_has_instructions_and_a_not_sure_option():
    with_self_test = {q.link_id for q in V1.questions() if q.self_test is not None}
    assert with_self_test == EXPECTED_SELF_TESTS
    for link_id in with_self_test:
        question = V1.question(link_id)
        assert question.self_test.how and question.self_test.look_for
        assert question.self_test.safety
        assert question.unknown_option is not None, link_id
        assert not question.unknown_option.points


def test_unknown_and_none_options_never_carry_points():
    for question in _choice_questions():
        for option in question.options:
            if option.unknown or option.exclusive:
                assert not option.points, (question.link_id, option.value)


def test_every_safety_option_raises_a_known_flag():
    for link_id in FLAG_QUESTIONS:
        question = V1.question(link_id)
        assert question.kind == "multiple"
        for option in question.options:
            if option.value == NONE_OF_THESE:
                assert option.exclusive
            else:
                assert option.value in FLAG_RULES, (link_id, option.value)
    levels = {FLAG_RULES[o.value].level for o in V1.question("safety_emergency").options[:-1]}
    assert levels == {"emergency"}


def test_pain_location_is_a_labelled_body_region_choice():
    question = V1.question("pain_location")
    assert question.kind == "multiple"
    labels = {option.value: option.label for option in question.options}
    assert labels["outside_knee"] == "Outside of the knee"
    assert labels["outer_thigh_hip"] == "Outer thigh or outside of the hip"
    assert {"front_knee", "inside_knee", "back_knee", "not_sure"} <= set(labels)


def test_optional_questions_are_the_personal_and_free_text_ones():
    optional = {question.link_id for question in V1.questions() if not question.required}
    assert optional == {"sex", "next_race", "next_race_name", "tried_other"}


# -- answers: visibility, cleaning, validation --------------------------------------------------


def test_clean_answers_drops_hidden_unknown_and_invalid_answers():
    answers = {
        "side_plank": "not_sure",
        "side_plank_left": 40,
        "side_plank_right": 50,
        "injury": "no",
        "injury_signs": ["cannot_bear_weight"],
        "tried": ["none"],
        "tried_helped": "yes",
        "cadence_known": "yes",
        "cadence": 400,
        "age_band": "ancient",
        "not_a_question": "x",
        "pain_worst": True,
    }
    assert V1.clean_answers(answers) == {
        "tried": ["none"],
        "injury": "no",
        "side_plank": "not_sure",
        "cadence_known": "yes",
    }


def test_clean_answers_keeps_visible_answers_in_definition_order():
    answers = {"side_plank_right": 50, "side_plank_left": 40, "side_plank": "held"}
    assert list(V1.clean_answers(answers)) == ["side_plank", "side_plank_left", "side_plank_right"]


def test_hidden_chain_collapses():
    # tried_helped depends on tried; an answer to it without a visible reason to ask is dropped.
    assert "tried_helped" not in V1.clean_answers({"tried_helped": "yes"})
    assert V1.clean_answers({"tried": ["stretching"], "tried_helped": "yes"})["tried_helped"] == (
        "yes"
    )


def test_multiple_choice_is_normalized_and_findings_beat_none_of_these():
    question = V1.question("safety_emergency")
    assert question.normalize(["cold_foot", "calf_clot", "cold_foot"]) == ["calf_clot", "cold_foot"]
    assert question.normalize(["none", "calf_clot"]) == ["calf_clot"]
    assert question.normalize(["none"]) == ["none"]
    assert question.normalize([]) is None
    assert question.normalize("calf_clot") is None
    assert question.answer_error(["none", "calf_clot"]) is not None


@pytest.mark.parametrize(
    ("link_id", "value", "message"),
    [
        ("age_band", "ancient", "Please choose from the options given."),
        ("pain_worst", "7", "Please enter a whole number."),
        ("pain_worst", 11, "Please enter a number from 0 to 10."),
        ("tried_other", "x" * 301, "Please keep this to 300 characters or fewer."),
        ("age_band", "18_to_34", None),
        ("pain_worst", 0, None),
        ("age_band", None, None),
    ],
)
def test_answer_error_messages(link_id, value, message):
    assert V1.question(link_id).answer_error(value) == message


def test_missing_required_only_counts_visible_required_questions():
    step = V1.step("strength-balance")
    assert V1.missing_required(step, {}) == (
        "side_plank",
        "single_leg_stance",
        "side_lying_leg_raise",
        "single_leg_bridge",
        "strength_training",
    )
    answers = {
        "side_plank": "held",
        "side_plank_left": 45,
        "single_leg_stance": "stays_level",
        "side_lying_leg_raise": "smooth",
        "single_leg_bridge": "not_sure",
        "strength_training": "never",
    }
    assert V1.missing_required("strength-balance", answers) == ("side_plank_right",)
    assert V1.missing_required("about-you", {}) == (
        "age_band",
        "weekly_distance",
        "distance_change",
        "longest_run",
        "terrain",
        "years_running",
        "shoes_mileage",
    )


def test_visible_questions_follow_enable_when():
    step = V1.step("movement-technique")
    hidden = {q.link_id for q in step.questions} - {
        q.link_id for q in V1.visible_questions(step, {"cadence_known": "not_sure"})
    }
    assert hidden == {"cadence"}
    assert V1.is_enabled("cadence", {"cadence_known": "yes"})
    assert not V1.is_enabled(V1.question("cadence"), {})


@pytest.mark.parametrize(
    ("condition", "answer", "expected"),
    [
        (Condition("q", "in", ("a", "b")), "a", True),
        (Condition("q", "in", ("a",)), ["b", "a"], True),
        (Condition("q", "in", ("a",)), None, False),
        (Condition("q", "not_in", ("a",)), "b", True),
        (Condition("q", "not_in", ("a",)), ["a"], False),
        (Condition("q", "not_in", ("a",)), None, True),  # FHIR "!=": nothing equal answered
        (Condition("q", "answered"), "x", True),
        (Condition("q", "answered"), None, False),
        (Condition("q", ">=", (5,)), 5, True),
        (Condition("q", ">=", (5,)), 4, False),
        (Condition("q", "<", (5,)), 4, True),
        (Condition("q", "<", (5,)), None, False),
    ],
)
def test_condition_operators(condition, answer, expected):
    assert condition.holds(answer) is expected


# -- the model refuses definitions that would break the rules -----------------------------------


def _questionnaire(*questions: Question) -> Questionnaire:
    return Questionnaire(
        version="test",
        title="t",
        signed_off_by="Dr. Test",
        signed_off_on=datetime.date(2026, 1, 1),
        steps=(Step(slug="only", title="t", intro="", questions=questions),),
    )


YES_NO = (Option("yes", "Yes"), Option("no", "No"))


def test_model_refuses_a_condition_on_a_later_question():
    with pytest.raises(ValueError, match="earlier"):
        _questionnaire(
            Question("a", "A", "single", YES_NO),
            Question("b", "B", "single", YES_NO, enable_when=(Condition("c", "in", ("yes",)),)),
            Question("c", "C", "single", YES_NO),
        )


def test_model_refuses_a_condition_on_a_missing_option():
    with pytest.raises(ValueError, match="not options"):
        _questionnaire(
            Question("a", "A", "single", YES_NO),
            Question("b", "B", "single", YES_NO, enable_when=(Condition("a", "in", ("maybe",)),)),
        )


def test_model_refuses_duplicates_and_points_on_not_sure():
    with pytest.raises(ValueError, match="duplicate"):
        _questionnaire(Question("a", "A", "single", YES_NO), Question("a", "A", "single", YES_NO))
    with pytest.raises(ValueError, match="unknown/exclusive"):
        Option("not_sure", "Not sure", {"hip_mobility": 1}, unknown=True)
    with pytest.raises(ValueError, match="negative"):
        Option("x", "X", {"hip_mobility": -1})


def test_model_refuses_a_conditioned_first_question():
    with pytest.raises(ValueError, match="first question"):
        Step(
            slug="s",
            title="t",
            intro="",
            questions=(
                Question("b", "B", "single", YES_NO, enable_when=(Condition("a", "answered"),)),
            ),
        )


def test_frozen_points_behave_as_an_immutable_mapping():
    points = FrozenPoints({"b": 1, "a": 2})
    assert points == {"a": 2.0, "b": 1.0}
    assert hash(points) == hash(FrozenPoints([("a", 2), ("b", 1)]))
    assert list(points) == ["a", "b"] and points.get("c") is None


def test_to_dict_is_json_ready_and_omits_defaults():
    data = V1.to_dict()
    assert data["signed_off_on"] == "2026-11-20"
    first = data["steps"][0]["questions"][0]
    assert first["link_id"] == "age_band" and "required" not in first
    assert first["options"][0] == {"value": "under_18", "label": "Under 18"}


# -- education covers every factor --------------------------------------------------------------


def test_education_covers_every_driver_and_likelihood():
    assert set(DRIVER_EDUCATION) == set(FACTORS)
    for key in FACTORS:
        education = education_for(key)
        assert education.title and "foam rolling" in education.what_it_means.lower()
        assert 2 <= len(education.try_meanwhile) <= 3
    assert set(LIKELIHOOD_TEXT) == set(LIKELIHOODS)

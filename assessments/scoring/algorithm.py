"""Scoring rubric v1 (SCORING.md) as one pure function: ``score(questionnaire, answers)``.

No Django and no I/O, on purpose: the result is computed once at submit time and stored with the
submission (``Result.as_dict``), so it must be deterministic, exhaustively testable and
re-readable for ever (``Result.from_dict``).

Per-option points live in the questionnaire data (FHIR item weights); what cannot be an option
(side-plank seconds, the difference between sides, cadence) is computed here with the named
thresholds below. Home self-tests have limited validity, so no single answer decides a result and
the wording never claims a diagnosis.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from assessments.questionnaire.model import Question, Questionnaire, Step

from .result import (
    DriverScore,
    Flag,
    Reason,
    Result,
)
from .rubric import (
    _SOFT_REVIEW,
    AGE_OTTAWA,
    AGE_QUESTION,
    AGE_UNDER_18,
    APPOINTMENT_GAIT,
    APPOINTMENT_STANDARD,
    BONE_FOCAL_SIGNS,
    BONE_STRESS_EXTRAS,
    BONE_STRESS_QUESTION,
    BOOKING_BLOCKING_LEVELS,
    CADENCE_BANDS,
    CADENCE_BELOW_BANDS_POINTS,
    CADENCE_KNOWN,
    CADENCE_KNOWN_QUESTION,
    CADENCE_QUESTION,
    CADENCE_REASON,
    CANCER_HISTORY,
    CLEAR_DRIVER_MIN_SCORE,
    CO_PRIMARY_MAX_GAP,
    COMPUTED_ITEMS,
    CONTRIBUTING,
    DOCTOR_THIS_WEEK,
    DRIVER_LABELS,
    DRIVERS,
    FACTORS,
    FLAG_LEVELS,
    FLAG_QUESTIONS,
    FLAG_RULES,
    INJURED,
    INJURY_QUESTION,
    LATERAL_LOCATIONS,
    LIKELIHOOD_CONSISTENT,
    LIKELIHOOD_POSSIBLE,
    LIKELIHOOD_UNLIKELY,
    MAX_DRIVER_POINTS,
    NIGHT_PAIN,
    ONSET_PREDICTABLE,
    ONSET_UNRELATED,
    OPTION_REASONS,
    OTHER_KNEE_LOCATIONS,
    OUTSIDE_KNEE,
    PAIN_DOWNHILL_QUESTION,
    PAIN_LOCATION_QUESTION,
    PAIN_ONSET_QUESTION,
    SCORE_SCALE,
    SIDE_PLANK_BAND_REASON,
    SIDE_PLANK_BANDS,
    SIDE_PLANK_BELOW_BANDS_POINTS,
    SIDE_PLANK_DIFFERENCE_POINTS,
    SIDE_PLANK_DIFFERENCE_REASON,
    SIDE_PLANK_DIFFERENCE_SECONDS,
    SIDE_PLANK_HELD,
    SIDE_PLANK_LEFT_QUESTION,
    SIDE_PLANK_QUESTION,
    SIDE_PLANK_RIGHT_QUESTION,
    TRAINING_TRIGGER_MIN_SCORE,
    WEIGHT_LOSS,
    WELL_JUDGED_MIN_CONFIDENCE,
    WORSE_DOWNHILL,
    ReasonText,
)

# -- scoring ------------------------------------------------------------------------------------


def score(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> Result:
    """Score one set of answers against the questionnaire version they were given on.

    Answers to hidden questions, unknown linkIds and invalid values are ignored (never an
    error), so a half-edited draft can always be scored.
    """
    cleaned = questionnaire.clean_answers(answers)
    likelihood = itb_likelihood(cleaned)
    linked_to_itb = likelihood != LIKELIHOOD_UNLIKELY
    scores = {
        key: _driver_score(questionnaire, cleaned, key, linked_to_itb=linked_to_itb)
        for key in FACTORS
    }
    # sorted() is stable, so ties keep the order of DRIVERS.
    ranked = tuple(sorted((scores[key] for key in DRIVERS), key=lambda driver: -driver.score))
    primary = _primary(ranked)
    training_load = scores[CONTRIBUTING]
    no_clear_driver = not primary
    flags = safety_flags(cleaned)
    highest_flag = flags[0].level if flags else None
    booking_allowed = highest_flag not in BOOKING_BLOCKING_LEVELS
    if not booking_allowed:
        appointment = None
    elif "movement_technique" in primary:
        appointment = APPOINTMENT_GAIT
    else:
        appointment = APPOINTMENT_STANDARD
    return Result(
        version=questionnaire.version,
        drivers=ranked,
        training_load=training_load,
        primary=primary,
        no_clear_driver=no_clear_driver,
        training_trigger=no_clear_driver and training_load.score >= TRAINING_TRIGGER_MIN_SCORE,
        itb_likelihood=likelihood,
        flags=flags,
        highest_flag=highest_flag,
        booking_allowed=booking_allowed,
        recommended_appointment=appointment,
    )


def points_to_score(points: float) -> int:
    """round(100 x min(points, 6) / 6) with halves rounded up, never to even (banker's).

    Decimal from the float's shortest repr, so 0.15 points is exactly 2.5 and rounds to 3.
    """
    capped = min(max(Decimal(str(points)), Decimal(0)), Decimal(MAX_DRIVER_POINTS))
    exact = capped * SCORE_SCALE / MAX_DRIVER_POINTS
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def itb_likelihood(cleaned: Mapping[str, Any]) -> str:
    """How well the pain fits the IT band pattern; location decides first (SCORING.md).

    Cases the rubric does not name (outer thigh or hip pain without the running pattern, or an
    unclear location without it) are "unlikely": the advice then is an evaluation either way.
    """
    locations = set(cleaned.get(PAIN_LOCATION_QUESTION) or ()) & (
        LATERAL_LOCATIONS | OTHER_KNEE_LOCATIONS
    )
    onset = cleaned.get(PAIN_ONSET_QUESTION)
    if onset == ONSET_UNRELATED or (locations and locations <= OTHER_KNEE_LOCATIONS):
        return LIKELIHOOD_UNLIKELY
    running_pattern = onset == ONSET_PREDICTABLE or (
        cleaned.get(PAIN_DOWNHILL_QUESTION) == WORSE_DOWNHILL
    )
    if locations & LATERAL_LOCATIONS and running_pattern:
        return LIKELIHOOD_CONSISTENT
    if OUTSIDE_KNEE in locations or (not locations and running_pattern):
        return LIKELIHOOD_POSSIBLE
    return LIKELIHOOD_UNLIKELY


def safety_flags(cleaned: Mapping[str, Any]) -> tuple[Flag, ...]:
    """The safety flags raised by cleaned answers: emergency first, then urgent, then soft."""
    codes: set[str] = set()
    for link_id in FLAG_QUESTIONS:
        codes.update(value for value in cleaned.get(link_id) or () if value in FLAG_RULES)
    bone = set(cleaned.get(BONE_STRESS_QUESTION) or ())
    if bone & BONE_FOCAL_SIGNS:
        codes.add("bone_stress")
    # Night pain with weight loss, or either with cancer: any two of the three.
    if len(codes & {NIGHT_PAIN, WEIGHT_LOSS, CANCER_HISTORY}) >= 2:
        codes.add(DOCTOR_THIS_WEEK)
    age = cleaned.get(AGE_QUESTION)
    if age == AGE_UNDER_18:
        codes.add("under_18")
    # Ottawa knee rules: age 55+ calls for an X-ray only after an injury.
    if age == AGE_OTTAWA and cleaned.get(INJURY_QUESTION) == INJURED:
        codes.add("ottawa_age")
    extras = " ".join(text for sign, text in BONE_STRESS_EXTRAS.items() if sign in bone)
    return flags_for(codes, bone_stress_extras=extras)


def flags_for(codes: Iterable[str], *, bone_stress_extras: str = "") -> tuple[Flag, ...]:
    """The flags of these codes (unknown codes ignored), emergency first, then urgent, soft."""
    wanted = set(codes)
    ordered = sorted(
        (code for code in FLAG_RULES if code in wanted),
        key=lambda code: FLAG_LEVELS.index(FLAG_RULES[code].level),
    )
    flags = []
    for code in ordered:
        rule = FLAG_RULES[code]
        advice = rule.advice
        if code == "bone_stress" and bone_stress_extras:
            advice = advice.replace(_SOFT_REVIEW, f"{bone_stress_extras} {_SOFT_REVIEW}")
        flags.append(Flag(rule.level, code, rule.title, advice))
    return tuple(flags)


def blocking_level(flags: Iterable[Flag]) -> str | None:
    """ "emergency" or "urgent" when a flag stops the questionnaire and online booking."""
    levels = {flag.level for flag in flags} & BOOKING_BLOCKING_LEVELS
    return min(levels, key=FLAG_LEVELS.index) if levels else None


def asks_red_flags(step: Step) -> bool:
    """A step with an emergency or urgent sign among its options (the runner is told that
    ticking one ends the questionnaire there)."""
    return any(
        option.value in FLAG_RULES and FLAG_RULES[option.value].level in BOOKING_BLOCKING_LEVELS
        for question in step.questions
        for option in question.options
    )


def ends_questionnaire(cleaned: Mapping[str, Any]) -> bool:
    """An emergency or urgent answer ends the questionnaire at the step it is given on."""
    return blocking_level(safety_flags(cleaned)) is not None


def scored_items(questionnaire: Questionnaire, driver: str) -> tuple[Question, ...]:
    """The questions that are items of a driver (its confidence denominator), in order."""
    return tuple(
        question
        for question in questionnaire.questions()
        if COMPUTED_ITEMS.get(question.link_id) == driver
        or any(option.points.get(driver) for option in question.options)
    )


def _driver_score(
    questionnaire: Questionnaire, cleaned: Mapping[str, Any], driver: str, *, linked_to_itb: bool
) -> DriverScore:
    return driver_score(questionnaire, cleaned, driver, linked_to_itb=linked_to_itb, words=V1_WORDS)


def driver_score(
    questionnaire: Questionnaire,
    cleaned: Mapping[str, Any],
    driver: str,
    *,
    linked_to_itb: bool,
    words: ReasonWords,
) -> DriverScore:
    """A driver's score from its scored items, in a version's ``words``."""
    items = scored_items(questionnaire, driver)
    answered = 0
    reasons: list[Reason] = []
    for question in items:
        found = item_reasons(question, cleaned, driver, linked_to_itb=linked_to_itb, words=words)
        if found is not None:
            answered += 1
            reasons.extend(found)
    points = float(sum(reason.points for reason in reasons))
    confidence = answered / len(items) if items else 0.0
    return DriverScore(
        key=driver,
        label=DRIVER_LABELS[driver],
        score=points_to_score(points),
        points=points,
        answered=answered,
        items=len(items),
        confidence=confidence,
        well_judged=confidence >= WELL_JUDGED_MIN_CONFIDENCE,
        reasons=tuple(reasons),
    )


@dataclass(frozen=True)
class ReasonWords:
    """A version's words for the reasons: one sentence per option (by linkId, value and driver:
    ``option_text(link_id, value, label, driver, linked_to_itb)``), and the measured items'
    texts (side plank band, side difference, cadence)."""

    option_text: Callable[[str, str, str, str, bool], str]
    measured: tuple[ReasonText, ReasonText, ReasonText]


def item_reasons(
    question: Question,
    cleaned: Mapping[str, Any],
    driver: str,
    *,
    linked_to_itb: bool,
    words: ReasonWords,
) -> list[Reason] | None:
    """The reasons one item gives a driver, or ``None`` when the item counts as unanswered."""
    value = cleaned.get(question.link_id)
    if value is None or question.is_unknown_answer(value):
        return None
    reasons = [
        Reason(
            question.link_id,
            driver,
            option.points[driver],
            words.option_text(question.link_id, option.value, option.label, driver, linked_to_itb),
        )
        for option in question.selected_options(value)
        if option.points.get(driver)
    ]
    measured = measured_reasons(
        question.link_id, value, cleaned, driver, linked_to_itb, texts=words.measured
    )
    if measured is None:
        return None
    return reasons + measured


# The reason texts of the measured items (side plank seconds, cadence), by version.
V1_MEASURED_TEXTS = (SIDE_PLANK_BAND_REASON, SIDE_PLANK_DIFFERENCE_REASON, CADENCE_REASON)


def measured_reasons(
    link_id: str,
    value: Any,
    cleaned: Mapping[str, Any],
    driver: str,
    linked_to_itb: bool,
    *,
    texts: tuple[ReasonText, ReasonText, ReasonText],
) -> list[Reason] | None:
    """The points and reasons of the measured items behind an answer (the side plank's seconds,
    the cadence): the one home of those bands for every version, each version with its own
    words (``texts``: band, side difference, cadence). ``None`` when a number is missing: the
    item then counts as unanswered."""
    band_text, difference_text, cadence_text = texts
    if link_id == SIDE_PLANK_QUESTION and value == SIDE_PLANK_HELD:
        left = cleaned.get(SIDE_PLANK_LEFT_QUESTION)
        right = cleaned.get(SIDE_PLANK_RIGHT_QUESTION)
        if left is None or right is None:
            return None
        weaker_question = SIDE_PLANK_LEFT_QUESTION if left <= right else SIDE_PLANK_RIGHT_QUESTION
        weaker, difference = min(left, right), abs(left - right)
        reasons = []
        band_points = _band_points(weaker, SIDE_PLANK_BANDS, SIDE_PLANK_BELOW_BANDS_POINTS)
        if band_points:
            text = pick_text(band_text, linked_to_itb).format(seconds=weaker)
            reasons.append(Reason(weaker_question, driver, float(band_points), text))
        if difference >= SIDE_PLANK_DIFFERENCE_SECONDS:
            text = pick_text(difference_text, linked_to_itb).format(difference=difference)
            reasons.append(
                Reason(weaker_question, driver, float(SIDE_PLANK_DIFFERENCE_POINTS), text)
            )
        return reasons
    if link_id == CADENCE_KNOWN_QUESTION and value == CADENCE_KNOWN:
        cadence = cleaned.get(CADENCE_QUESTION)
        if cadence is None:
            return None
        points = _band_points(cadence, CADENCE_BANDS, CADENCE_BELOW_BANDS_POINTS)
        if not points:
            return []
        text = pick_text(cadence_text, linked_to_itb).format(cadence=cadence)
        return [Reason(CADENCE_QUESTION, driver, float(points), text)]
    return []


def _band_points(value: int, bands: tuple[tuple[int, int], ...], below_bands: int) -> int:
    for minimum, points in bands:
        if value >= minimum:
            return points
    return below_bands


def _primary(ranked: tuple[DriverScore, ...]) -> tuple[str, ...]:
    top = ranked[0]
    if top.score < CLEAR_DRIVER_MIN_SCORE:
        return ()
    return tuple(
        driver.key
        for driver in ranked
        if driver.score >= CLEAR_DRIVER_MIN_SCORE and top.score - driver.score <= CO_PRIMARY_MAX_GAP
    )


def _reason_text(link_id: str, value: str, label: str, driver: str, linked_to_itb: bool) -> str:
    text = OPTION_REASONS.get((link_id, value, driver))
    if text is not None:
        return pick_text(text, linked_to_itb)
    # A later version may add a finding before its sentence is written; say what was answered.
    return f"You answered \u201c{label}\u201d, which adds to {DRIVER_LABELS[driver].lower()}."


def pick_text(text: ReasonText, linked_to_itb: bool) -> str:
    return text.itb if linked_to_itb else text.general


V1_WORDS = ReasonWords(option_text=_reason_text, measured=V1_MEASURED_TEXTS)

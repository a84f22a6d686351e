"""Turn stored answers and results into what templates show (runner, clinician, email)."""

from typing import Any

from . import scoring
from .models import Submission
from .questionnaire import KIND_INTEGER, KIND_MULTIPLE, KIND_SCALE, Questionnaire, get_version
from .questionnaire import education as edu
from .questionnaire import education_v2 as edu_v2
from .scoring import Result
from .scoring_v2 import MODULE_DONE, ResultV2, result_from_dict

NOT_ANSWERED = "Not answered"

SCORE_BANDS = ((70, "Strong signs"), (40, "Some signs"), (1, "Few signs"), (0, "No signs"))


def band(score: int) -> str:
    return next(label for threshold, label in SCORE_BANDS if score >= threshold)


def display_answer(question, value: Any) -> str:
    """An answer in the words the runner chose."""
    if value is None:
        return NOT_ANSWERED
    if question.is_choice:
        picked = question.selected_options(value)
        return ", ".join(option.label for option in picked) or NOT_ANSWERED
    if question.kind == KIND_INTEGER and question.unit:
        return f"{value} {question.unit}"
    if question.kind == KIND_SCALE:
        return f"{value} out of {question.max_value}"
    return str(value)


def answer_sections(questionnaire: Questionnaire, answers: dict, *, steps=None) -> list[dict]:
    """Every visible question with its answer, grouped by step (review page, clinician);
    ``steps``: only these (version 2's "check your answers" lists the core)."""
    sections = []
    for step in questionnaire.steps if steps is None else steps:
        items = []
        for question in questionnaire.visible_questions(step, answers):
            value = answers.get(question.link_id)
            items.append(
                {
                    "link_id": question.link_id,
                    "question": question.text,
                    "answer": display_answer(question, value),
                    "answered": value is not None,
                    "unknown": value is not None and question.is_unknown_answer(value),
                    "multiple": question.kind == KIND_MULTIPLE,
                }
            )
        sections.append({"slug": step.slug, "title": step.title, "items": items})
    return sections


def driver_rows(result: Result) -> list[dict]:
    """The chart's rows: the four drivers ranked, then training load as a contributing factor."""
    rows = []
    for driver in (*result.drivers, result.training_load):
        rows.append(
            {
                "key": driver.key,
                "label": driver.label,
                "score": driver.score,
                "band": band(driver.score),
                "primary": driver.key in result.primary,
                "contributing": driver.key == result.training_load.key,
                "well_judged": driver.well_judged,
                "reasons": [reason.text for reason in driver.reasons],
                # SVG bar width in a 0-100 viewBox: attributes, not inline styles (CSP).
                "bar": max(driver.score, 1),
            }
        )
    return rows


VISIT_LABELS = {
    scoring.APPOINTMENT_STANDARD: "Initial running evaluation (60 min)",
    scoring.APPOINTMENT_GAIT: "Initial running evaluation with gait analysis (90 min)",
}


def result_context(submission: Submission) -> dict:
    """What the result page, the email and the clinician's intake view show, for either
    version's stored result (``version2`` tells the templates which)."""
    result = result_from_dict(submission.result)
    if isinstance(result, ResultV2):
        return result_v2_context(submission, result)
    return _result_v1_context(result)


def _result_v1_context(result: Result) -> dict:
    primary = [result.driver(key) for key in result.primary]
    education = [edu.education_for(key) for key in result.primary]
    if result.training_trigger:
        education.append(edu.education_for(result.training_load.key))
    flags = {
        level: [f for f in result.flags if f.level == level]
        for level in ("emergency", "urgent", "soft")
    }
    return {
        "result": result,
        "primary_drivers": primary,
        "driver_rows": driver_rows(result),
        "education": education,
        "flags_by_level": flags,
        # Rubric v2: night pain with weight loss, or either with cancer, gets a time frame.
        "soft_heading": _soft_heading(flags["soft"]),
        "likelihood_text": edu.LIKELIHOOD_TEXT[result.itb_likelihood],
        "text": {
            "foam_rolling": edu.FOAM_ROLLING,
            "not_a_diagnosis": edu.NOT_A_DIAGNOSIS,
            "home_tests": edu.HOME_TESTS_CAVEAT,
            "low_confidence": edu.LOW_CONFIDENCE,
            "no_clear_driver": edu.NO_CLEAR_DRIVER,
            "training_trigger": edu.TRAINING_TRIGGER,
        },
    }


def _soft_heading(soft_flags) -> str:
    # Rubric v2: night pain with weight loss, or either with cancer, gets a time frame.
    if any(flag.code == scoring.DOCTOR_THIS_WEEK for flag in soft_flags):
        return "Please see your doctor this week"
    return "Worth telling a doctor"


def driver_rows_v2(result: ResultV2) -> list[dict]:
    """Version 2's profile rows: a measured driver has a score; one without its module reads
    "not measured yet", never 0, with what the core answers point to as "what we will look
    at". Training load (asked in the core) is always measured."""
    rows = []
    for driver in result.drivers:
        rows.append(
            {
                "key": driver.key,
                "label": driver.label,
                "measured": driver.measured,
                "score": driver.score,
                "band": band(driver.score) if driver.measured else "",
                "primary": driver.key in result.primary,
                "contributing": False,
                "well_judged": True,
                "note": driver.note,
                "reasons": [reason.text for reason in driver.reasons],
                "look_at": [reason.text for reason in driver.look_at],
                "bar": max(driver.score or 0, 1),
            }
        )
    load = result.training_load
    rows.append(
        {
            "key": load.key,
            "label": load.label,
            "measured": True,
            "score": load.score,
            "band": band(load.score),
            "primary": False,
            "contributing": True,
            "well_judged": True,
            "note": "",
            "reasons": [reason.text for reason in load.reasons],
            "look_at": [],
            "bar": max(load.score, 1),
        }
    )
    return rows


def result_v2_context(submission: Submission, result: ResultV2) -> dict:
    """The booking-first result: the headline, the visit, the profile (measured or not yet),
    the modules and only the explanation sections the scorer chose for these answers."""
    soft = [flag for flag in result.flags if flag.level == scoring.LEVEL_SOFT]
    modules = [
        {
            "key": module.key,
            "title": module.title,
            "minutes": module.minutes,
            "done": module.state == MODULE_DONE,
            "started": module.state != "not_started",
            "intro": get_version(result.version).module(module.key).intro,
        }
        for module in result.modules
    ]
    return {
        "version2": True,
        "result": result,
        "headline": result.headline,
        "visit_label": VISIT_LABELS.get(result.recommended_appointment or "", ""),
        "gait_visit": result.recommended_appointment == scoring.APPOINTMENT_GAIT,
        "driver_rows": driver_rows_v2(result),
        "primary_drivers": [result.driver(key) for key in result.primary],
        "flags_by_level": {
            level: [f for f in result.flags if f.level == level]
            for level in ("emergency", "urgent", "soft")
        },
        "soft_flags": soft,
        "soft_heading": _soft_heading(soft),
        "sections": [edu_v2.section(key) for key in result.sections],
        "modules": modules,
        "modules_done": [module for module in modules if module["done"]],
        "modules_to_do": [module for module in modules if not module["done"]],
    }


# -- the safety page (emergency and urgent: no result, no booking) -------------------------------

# What the runner can tell the doctor besides the signs: (linkId, short label), when answered.
DOCTOR_FACTS = (
    ("pain_location", "Where it hurts"),
    ("pain_side", "Which side"),
    ("pain_duration", "For how long"),
    ("pain_worst", "Worst pain"),
    ("injury", "Started with an injury"),
)
SIGN_LABELS = dict(scoring.RED_FLAG_SIGNS)
CALL_911_NOW = frozenset({"chest_breathless"})


def safety_context(flags, *, facts: list[tuple[str, str]] | None = None) -> dict:
    """What the safety page shows for emergency and urgent flags (from an intake or from the
    booking page's screen): what to do now, why, and what to tell the doctor."""
    red = [flag for flag in flags if flag.level in scoring.BOOKING_BLOCKING_LEVELS]
    level = scoring.blocking_level(red) or scoring.LEVEL_URGENT
    return {
        "safety_level": level,
        "safety_flags": [flag for flag in red if flag.level == level]
        + [flag for flag in red if flag.level != level],
        "call_911_now": any(flag.code in CALL_911_NOW for flag in red),
        "signs": [SIGN_LABELS.get(flag.code, flag.title) for flag in red],
        "doctor_facts": facts or [],
    }


def intake_safety_context(submission: Submission) -> dict:
    """The safety page of a flagged intake: its stored flags and a few of its answers."""
    flags = [scoring.Flag.from_dict(flag) for flag in (submission.result or {}).get("flags", ())]
    questionnaire = get_version(submission.questionnaire_version)
    facts = []
    for link_id, label in DOCTOR_FACTS:
        value = submission.answers.get(link_id)
        try:
            question = questionnaire.question(link_id)
        except KeyError:
            continue
        if value is not None and not question.is_unknown_answer(value):
            facts.append((label, display_answer(question, value)))
    return safety_context(flags, facts=facts)

"""Turn stored answers and results into what templates show (runner, clinician, email)."""

from typing import Any

from .models import Submission
from .questionnaire import KIND_INTEGER, KIND_MULTIPLE, Questionnaire
from .questionnaire import education as edu
from .scoring import Result

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
    return str(value)


def answer_sections(questionnaire: Questionnaire, answers: dict) -> list[dict]:
    """Every visible question with its answer, grouped by step (review page, clinician)."""
    sections = []
    for step in questionnaire.steps:
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


def result_context(submission: Submission) -> dict:
    result = Result.from_dict(submission.result)
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

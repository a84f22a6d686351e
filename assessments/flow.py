"""Which step a runner may open, and where "resume" takes them. Pure: no Django.

Only the core steps are walked in order (all steps of a version without modules); version 2's
modules are optional, answered after the result, and never hold up the core.

A step counts as complete when the runner has moved past it (its slug is in ``completed``) and
none of its visible required questions is unanswered. Changing an earlier answer can show a new
required question, which makes that step incomplete again, so rules are re-checked each time.
"""

from collections.abc import Iterable, Mapping
from typing import Any

from .questionnaire import Questionnaire

REVIEW = "review"


def is_step_complete(
    questionnaire: Questionnaire, answers: Mapping[str, Any], completed: Iterable[str], slug: str
) -> bool:
    return slug in set(completed) and not questionnaire.missing_required(slug, answers)


def complete_steps(
    questionnaire: Questionnaire, answers: Mapping[str, Any], completed: Iterable[str]
) -> set[str]:
    """The slugs of every complete step (one pass over the answers for them all)."""
    done = set(completed)
    if not done:
        return set()
    missing = questionnaire.missing_required_by_step(answers)
    return {slug for slug in done if not missing.get(slug, ("unknown step",))}


def first_incomplete_step(
    questionnaire: Questionnaire, answers: Mapping[str, Any], completed: Iterable[str]
) -> str | None:
    """The first core step still to do, or ``None`` when every core step is complete."""
    complete = complete_steps(questionnaire, answers, completed)
    for step in questionnaire.core_steps:
        if step.slug not in complete:
            return step.slug
    return None


def can_open(
    questionnaire: Questionnaire, answers: Mapping[str, Any], completed: Iterable[str], slug: str
) -> bool:
    """A core step (or the review) opens only when every core step before it is complete;
    a module's step never opens here (modules have their own page, after the result)."""
    if slug != REVIEW and questionnaire.module_of(slug) is not None:
        return False
    first_open = first_incomplete_step(questionnaire, answers, completed)
    if first_open is None:
        return True
    if slug == REVIEW:
        return False
    return questionnaire.step_index(slug) <= questionnaire.step_index(first_open)

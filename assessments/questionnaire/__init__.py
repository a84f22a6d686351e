"""The questionnaire as versioned data (no Django).

``CURRENT`` is the version new assessments are answered on; ``get_version`` returns the exact
version a stored submission was answered on, so old results are always re-read with their own
definition.

Version 2 (the short core and the optional modules) is current: new assessments are answered on
it. Version 1 drafts and submissions keep rendering and scoring with version 1's definition and
rubric (``assessments.scoring_v2.score_for`` picks the rubric by version).
"""

from __future__ import annotations

from .model import (
    CHOICE_KINDS,
    KIND_INTEGER,
    KIND_MULTIPLE,
    KIND_SCALE,
    KIND_SINGLE,
    KIND_TEXT,
    KINDS,
    OPERATORS,
    Answers,
    Condition,
    FrozenPoints,
    Module,
    Option,
    Question,
    Questionnaire,
    SelfTest,
    Step,
    Timer,
)
from .v1 import QUESTIONNAIRE_V1
from .v2 import QUESTIONNAIRE_V2

VERSIONS: dict[str, Questionnaire] = {
    QUESTIONNAIRE_V1.version: QUESTIONNAIRE_V1,
    QUESTIONNAIRE_V2.version: QUESTIONNAIRE_V2,
}
CURRENT: Questionnaire = QUESTIONNAIRE_V2


def get_version(version: str) -> Questionnaire:
    """The published questionnaire with this version; ``KeyError`` if there is none."""
    try:
        return VERSIONS[version]
    except KeyError:
        raise KeyError(f"no questionnaire version {version!r}") from None


__all__ = [
    "CHOICE_KINDS",
    "CURRENT",
    "KINDS",
    "KIND_INTEGER",
    "KIND_MULTIPLE",
    "KIND_SCALE",
    "KIND_SINGLE",
    "KIND_TEXT",
    "OPERATORS",
    "VERSIONS",
    "Answers",
    "Condition",
    "FrozenPoints",
    "Module",
    "Option",
    "Question",
    "Questionnaire",
    "SelfTest",
    "Step",
    "Timer",
    "get_version",
]

"""The questionnaire as versioned data (no Django).

``CURRENT`` is the version new assessments are answered on; ``get_version`` returns the exact
version a stored submission was answered on, so old results are always re-read with their own
definition.
"""

from __future__ import annotations

from .model import (
    CHOICE_KINDS,
    KIND_INTEGER,
    KIND_MULTIPLE,
    KIND_SINGLE,
    KIND_TEXT,
    KINDS,
    OPERATORS,
    Answers,
    Condition,
    FrozenPoints,
    Option,
    Question,
    Questionnaire,
    SelfTest,
    Step,
)
from .v1 import QUESTIONNAIRE_V1

VERSIONS: dict[str, Questionnaire] = {QUESTIONNAIRE_V1.version: QUESTIONNAIRE_V1}
CURRENT: Questionnaire = QUESTIONNAIRE_V1


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
    "KIND_SINGLE",
    "KIND_TEXT",
    "OPERATORS",
    "VERSIONS",
    "Answers",
    "Condition",
    "FrozenPoints",
    "Option",
    "Question",
    "Questionnaire",
    "SelfTest",
    "Step",
    "get_version",
]

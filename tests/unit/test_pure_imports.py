"""The pure cores must import no Django: they are scored and tested without a project."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]
PURE_MODULES = (
    "assessments.scoring",
    "assessments.scoring.rubric",
    "assessments.scoring.result",
    "assessments.scoring.algorithm",
    "assessments.scoring_v2",
    "assessments.questionnaire",
    "assessments.questionnaire.model",
    "assessments.questionnaire.v1",
    "assessments.questionnaire.v2",
    "assessments.questionnaire.education",
    "assessments.questionnaire.education_v2",
    "booking.slots",
)


def test_the_pure_cores_import_no_django():
    # A fresh interpreter: this test process may already have Django loaded by other tests.
    script = (
        "import importlib, json, sys\n"
        f"for name in {list(PURE_MODULES)!r}:\n"
        "    importlib.import_module(name)\n"
        "print(json.dumps(sorted(sys.modules)))\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    loaded = json.loads(completed.stdout)
    assert set(PURE_MODULES) <= set(loaded)
    django_modules = [name for name in loaded if name == "django" or name.startswith("django")]
    assert django_modules == [], f"pure modules pulled in Django: {django_modules[:5]}"

"""Fixtures and helpers for the abuse tests of issue #7 (loopback only, Django's test client)."""

from __future__ import annotations

from contextlib import contextmanager
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.db import transaction
from django.utils import timezone

from assessments.forms import StepForm
from assessments.questionnaire import get_version
from assessments.services import submission_save_step, submission_start
from tests.assessment_data import V2_CORE, WEAK_GLUTES
from tests.factories import RUNNER_DETAILS, booking_clinic, local_time


@contextmanager
def rolled_back():
    """One hypothesis example: whatever it writes is undone before the next one."""
    with transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture
def no_rate_limits(settings):
    settings.RATE_LIMITS_ENABLED = False


@pytest.fixture
def clinic(reference_data):
    return booking_clinic()


def slot_start(clinic, days: int = 4, hour: int = 10):
    """A start the clinic offers online (inside working hours, past the minimum notice)."""
    return local_time(clinic.location, timezone.localdate() + timedelta(days=days), hour)


def selection(clinic, start) -> dict:
    return {
        "location": clinic.location.slug,
        "type": "initial-evaluation",
        "clinician": "any",
        "start": start.isoformat(),
        "safety": "none",  # the safety question answered "None of these"
    }


DETAILS = RUNNER_DETAILS


# --- Reading the HTML a browser would run ----------------------------------------------------
class Page(HTMLParser):
    """The parts of a page that matter for XSS and CSP: tags, attributes, form controls."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str]]] = []
        self.inline_scripts = 0
        self.controls: dict[str, list[str]] = {}
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        values = {name.lower(): value or "" for name, value in attrs}
        self.tags.append((tag, values))
        if tag == "script" and not values.get("src"):
            self.inline_scripts += 1
        name = values.get("name")
        if tag == "input" and name:
            kind = values.get("type", "text")
            if kind not in {"radio", "checkbox"} or "checked" in values:
                self.controls.setdefault(name, []).append(values.get("value", ""))
        if tag == "textarea" and name:
            self._textarea = name
            self.controls.setdefault(name, []).append("")

    def handle_data(self, data):
        if self._textarea:
            self.controls[self._textarea][-1] += data

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None

    @classmethod
    def of(cls, html: str) -> Page:
        page = cls()
        page.feed(html)
        page.close()
        return page

    def problems(self) -> list[str]:
        """Anything that would run script or pull in content from elsewhere."""
        found = []
        if self.inline_scripts:
            found.append(f"{self.inline_scripts} inline <script>")
        for tag, attrs in self.tags:
            found += [f"<{tag} {a}=>" for a in attrs if a.startswith("on")]
            if "style" in attrs:
                found.append(f"<{tag} style=>")
            if tag in {"iframe", "object", "embed", "base"}:
                found.append(f"<{tag}>")
            if tag == "img" and not attrs.get("src", "").startswith(("/static/", "data:image/")):
                found.append(f"<img src={attrs.get('src')!r}>")
            for name in ("href", "src", "action", "formaction"):
                value = "".join(attrs.get(name, "").split()).lower()
                if value.startswith(("javascript:", "vbscript:", "data:text/html")):
                    found.append(f"<{tag} {name}={value}>")
        return found


def assert_safe_html(html: str, where: str = "") -> Page:
    """No injected element, handler, style attribute or script URL; scripts are files only."""
    page = Page.of(html)
    assert not page.problems(), f"{where}: {page.problems()}"
    return page


def answered_draft(steps: int | None = None, answers: dict | None = None, version: str = "1"):
    """A draft with its first ``steps`` steps answered (all of them by default), through the
    product's own form and service, as the step view saves them. Version 1 unless asked
    (``WEAK_GLUTES`` is version 1's; ``V2_CORE`` version 2's)."""
    answers = answers or (WEAK_GLUTES if version == "1" else V2_CORE)
    questionnaire = get_version(version)
    draft = submission_start(version=version)
    for slug in list(answers)[:steps]:
        form = StepForm(
            dict(answers[slug]),
            questionnaire=questionnaire,
            step=questionnaire.step(slug),
            stored=draft.answers,
        )
        assert form.is_valid(), (slug, form.errors)
        draft = submission_save_step(
            submission=draft, step_slug=slug, step_answers=form.step_answers(), complete=True
        )
    return draft

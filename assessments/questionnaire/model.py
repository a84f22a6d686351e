"""The questionnaire as plain data: frozen dataclasses and the rules that read them.

No Django here, on purpose: the definition, its visibility rules and answer cleaning are pure
functions of (definition, answers dict), so they are tested exhaustively without a database and the
scoring core can depend on them.

The vocabulary follows HL7 FHIR Questionnaire (``linkId``, ``enableWhen``, ``enableBehavior``,
item weights as option points) so that a FHIR export is a mapping, not a rewrite. Operators differ
from FHIR's only by being set-valued: ``in`` is FHIR ``=`` over several answers joined with
``enableBehavior: any``; ``not_in`` is FHIR ``!=`` (true when nothing equal was answered).

Answers are a plain dict ``linkId -> value``: ``str`` for single choice and text, ``list[str]``
for multiple choice, ``int`` for integers and scales. A missing key or ``None`` means "not
answered".

Version 2 added, all optional so that version 1's canonical JSON (and its pinned hash) is
unchanged: the ``scale`` kind (a 0-10 tap scale: FHIR ``integer`` with a slider/ordinal item
control), ``Timer`` and an illustration id on self-tests, and ``Module``: named groups of steps
that can be answered alone, in any order, after the core steps.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import MISSING, dataclass, field, fields, is_dataclass
from functools import cached_property
from typing import Any

KIND_SINGLE = "single"
KIND_MULTIPLE = "multiple"
KIND_INTEGER = "integer"
KIND_TEXT = "text"
# A short bounded scale the UI renders as a row of tap targets (radios), never a typed number.
KIND_SCALE = "scale"
KINDS = (KIND_SINGLE, KIND_MULTIPLE, KIND_INTEGER, KIND_TEXT, KIND_SCALE)
CHOICE_KINDS = frozenset({KIND_SINGLE, KIND_MULTIPLE})
NUMERIC_KINDS = frozenset({KIND_INTEGER, KIND_SCALE})
# 0-10 (NPRS) is eleven targets; more would not fit a phone's row.
MAX_SCALE_POINTS = 11

TIMER_STOPWATCH = "stopwatch"
TIMER_COUNTDOWN = "countdown"
TIMER_MODES = (TIMER_STOPWATCH, TIMER_COUNTDOWN)

OP_IN = "in"
OP_NOT_IN = "not_in"
OP_ANSWERED = "answered"
OP_AT_LEAST = ">="
OP_BELOW = "<"
OPERATORS = (OP_IN, OP_NOT_IN, OP_ANSWERED, OP_AT_LEAST, OP_BELOW)
NUMERIC_OPERATORS = frozenset({OP_AT_LEAST, OP_BELOW})

ENABLE_ALL = "all"
ENABLE_ANY = "any"
ENABLE_BEHAVIORS = (ENABLE_ALL, ENABLE_ANY)

# Step slugs go into URLs; link ids become form field names and JSON keys.
STEP_SLUG_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
# Illustration ids name drawings the UI ships (inline SVG per id); same shape as step slugs.
ILLUSTRATION_PATTERN = STEP_SLUG_PATTERN
WORD_PATTERN = re.compile(r"[^\W_]+(?:['\u2019.,%-][^\W_]+)*")
LINK_ID_PATTERN = re.compile(r"^[a-z][a-z0-9_]*$")
OPTION_VALUE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_]*$")

DEFAULT_TEXT_MAX_LENGTH = 500

type Answers = Mapping[str, Any]


class FrozenPoints(Mapping[str, float]):
    """An immutable, hashable ``driver -> points`` mapping.

    A plain dict would make ``Option`` unhashable (and mutable behind a frozen dataclass);
    ``MappingProxyType`` is read-only but still unhashable. Pairs are kept sorted so equal
    mappings hash equally whatever order they were written in.
    """

    __slots__ = ("_pairs",)

    def __init__(self, points: Mapping[str, float] | Iterable[tuple[str, float]] = ()) -> None:
        self._pairs: tuple[tuple[str, float], ...] = tuple(
            sorted((str(key), float(value)) for key, value in dict(points).items())
        )

    def __getitem__(self, key: str) -> float:
        for pair_key, value in self._pairs:
            if pair_key == key:
                return value
        raise KeyError(key)

    def __iter__(self) -> Iterator[str]:
        return (key for key, _ in self._pairs)

    def __len__(self) -> int:
        return len(self._pairs)

    def __hash__(self) -> int:
        return hash(self._pairs)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Mapping):
            return dict(self._pairs) == dict(other.items())
        return NotImplemented

    def __repr__(self) -> str:
        return f"FrozenPoints({dict(self._pairs)!r})"


@dataclass(frozen=True)
class Option:
    """One answer a runner can pick; ``points`` are the FHIR item weights per driver."""

    value: str
    label: str
    points: Mapping[str, float] = field(default_factory=FrozenPoints)
    unknown: bool = False
    exclusive: bool = False

    def __post_init__(self) -> None:
        if not isinstance(self.points, FrozenPoints):
            object.__setattr__(self, "points", FrozenPoints(self.points))
        if not OPTION_VALUE_PATTERN.match(self.value):
            raise ValueError(f"option value {self.value!r} is not a stable lower-case code")
        if any(points < 0 for points in self.points.values()):
            # Scores must never fall when a sign is reported, so no option may subtract.
            raise ValueError(f"option {self.value!r} has negative points")
        if (self.unknown or self.exclusive) and any(self.points.values()):
            # "Not sure" and "None of these" must never raise a score.
            raise ValueError(f"option {self.value!r} is unknown/exclusive but carries points")


@dataclass(frozen=True)
class Condition:
    """FHIR ``enableWhen``: the question shows only when an EARLIER answer satisfies this."""

    question: str
    operator: str
    values: tuple[str | int, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "values", tuple(self.values))
        if self.operator not in OPERATORS:
            raise ValueError(f"unknown enableWhen operator {self.operator!r}")
        if self.operator == OP_ANSWERED and self.values:
            raise ValueError("'answered' takes no values")
        if self.operator in (OP_IN, OP_NOT_IN) and not self.values:
            raise ValueError(f"{self.operator!r} needs at least one value")
        if self.operator in NUMERIC_OPERATORS and (
            len(self.values) != 1 or not _is_int(self.values[0])
        ):
            raise ValueError(f"{self.operator!r} needs exactly one integer value")

    def holds(self, answer: Any) -> bool:
        """Whether ``answer`` (already cleaned; ``None`` when unanswered or hidden) satisfies this.

        ``not_in`` is true for an unanswered question, as FHIR's ``!=`` is.
        """
        if self.operator == OP_ANSWERED:
            return answer is not None
        if self.operator in NUMERIC_OPERATORS:
            if not _is_int(answer):
                return False
            threshold = self.values[0]
            return answer >= threshold if self.operator == OP_AT_LEAST else answer < threshold
        chosen = answer if isinstance(answer, list) else ([] if answer is None else [answer])
        matched = any(value in self.values for value in chosen)
        return matched if self.operator == OP_IN else not matched


@dataclass(frozen=True)
class Timer:
    """A built-in timer for a self-test (progressive enhancement: without it the runner types).

    ``stopwatch``: counts up; its seconds fill each integer question in ``fills`` (one run per
    question, e.g. each side of a side plank). ``countdown``: a fixed hold of ``seconds``
    (e.g. 30 s standing on one leg); it fills nothing, the answer is what the runner saw.
    """

    mode: str
    seconds: int | None = None
    fills: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "fills", tuple(self.fills))
        if self.mode not in TIMER_MODES:
            raise ValueError(f"unknown timer mode {self.mode!r}")
        if self.mode == TIMER_STOPWATCH and (self.seconds is not None or not self.fills):
            raise ValueError("a stopwatch fills at least one question and has no fixed length")
        if self.mode == TIMER_COUNTDOWN and (
            not _is_int(self.seconds) or self.seconds < 1 or self.fills
        ):
            raise ValueError("a countdown has a length in whole seconds and fills nothing")


@dataclass(frozen=True)
class SelfTest:
    """Instructions a runner can follow alone at home, shown beside the question.

    ``illustration`` names the drawing of the position and what to look for; ``timer`` is set
    for timed tests.
    """

    how: str
    look_for: str
    safety: str
    illustration: str = ""
    timer: Timer | None = None

    def __post_init__(self) -> None:
        if self.illustration and not ILLUSTRATION_PATTERN.match(self.illustration):
            raise ValueError(f"illustration id {self.illustration!r} is not a lower-case slug")

    def texts(self) -> tuple[str, ...]:
        return (self.how, self.look_for, self.safety)


@dataclass(frozen=True)
class Question:
    """One FHIR item. ``required`` applies only while the question is visible."""

    link_id: str
    text: str
    kind: str
    options: tuple[Option, ...] = ()
    required: bool = True
    help_text: str = ""
    self_test: SelfTest | None = None
    enable_when: tuple[Condition, ...] = ()
    enable_behavior: str = ENABLE_ALL
    min_value: int | None = None
    max_value: int | None = None
    unit: str = ""
    max_length: int = DEFAULT_TEXT_MAX_LENGTH
    # Scale questions: the words under the two ends ("No pain", "Worst pain imaginable").
    low_label: str = ""
    high_label: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "options", tuple(self.options))
        object.__setattr__(self, "enable_when", tuple(self.enable_when))
        self._validate()

    def _validate(self) -> None:
        where = f"question {self.link_id!r}"
        if not LINK_ID_PATTERN.match(self.link_id):
            raise ValueError(f"{where}: linkId must be a lower-case identifier")
        if self.kind not in KINDS:
            raise ValueError(f"{where}: unknown kind {self.kind!r}")
        if self.enable_behavior not in ENABLE_BEHAVIORS:
            raise ValueError(f"{where}: unknown enable_behavior {self.enable_behavior!r}")
        if self.is_choice and not self.options:
            raise ValueError(f"{where}: a choice question needs options")
        if not self.is_choice and self.options:
            raise ValueError(f"{where}: only choice questions have options")
        values = [option.value for option in self.options]
        if len(set(values)) != len(values):
            raise ValueError(f"{where}: option values must be unique")
        if self.kind != KIND_MULTIPLE and any(option.exclusive for option in self.options):
            raise ValueError(f"{where}: only multiple choice has exclusive options")
        if self.kind not in NUMERIC_KINDS and (
            self.min_value is not None or self.max_value is not None
        ):
            raise ValueError(f"{where}: only integer and scale questions have bounds")
        if self.kind == KIND_SCALE:
            if not (_is_int(self.min_value) and _is_int(self.max_value)):
                raise ValueError(f"{where}: a scale needs whole-number bounds")
            if not 0 < self.max_value - self.min_value < MAX_SCALE_POINTS:
                raise ValueError(f"{where}: a scale has 2 to {MAX_SCALE_POINTS} points")
        elif self.low_label or self.high_label:
            raise ValueError(f"{where}: only scales have end labels")
        if (
            self.min_value is not None
            and self.max_value is not None
            and self.min_value > self.max_value
        ):
            raise ValueError(f"{where}: min_value is above max_value")
        if self.max_length < 1:
            raise ValueError(f"{where}: max_length must be positive")

    @property
    def is_choice(self) -> bool:
        return self.kind in CHOICE_KINDS

    @property
    def scale_points(self) -> tuple[int, ...]:
        """The values a scale offers, in order (empty for other kinds)."""
        if self.kind != KIND_SCALE:
            return ()
        return tuple(range(self.min_value, self.max_value + 1))

    def texts(self) -> tuple[str, ...]:
        """Everything the runner reads for this question, in order (for word counts)."""
        parts = [self.text, self.help_text, *(option.label for option in self.options)]
        parts += [self.unit, self.low_label, self.high_label]
        if self.self_test is not None:
            parts += self.self_test.texts()
        return tuple(part for part in parts if part)

    @property
    def unknown_option(self) -> Option | None:
        """The "Not sure / didn't try" option, if the question has one."""
        return next((option for option in self.options if option.unknown), None)

    def option(self, value: str) -> Option:
        """The option with this code; ``KeyError`` if there is none."""
        for option in self.options:
            if option.value == value:
                return option
        raise KeyError(f"{self.link_id}: no option {value!r}")

    def selected_options(self, value: Any) -> tuple[Option, ...]:
        """The options a (cleaned) answer picks, in the definition's order."""
        chosen = value if isinstance(value, list) else [value]
        return tuple(option for option in self.options if option.value in chosen)

    def is_unknown_answer(self, value: Any) -> bool:
        """True when an answer picks only "Not sure / didn't try" options (counts as unanswered)."""
        picked = self.selected_options(value) if self.is_choice else ()
        return bool(picked) and all(option.unknown for option in picked)

    def answer_error(self, value: Any) -> str | None:
        """A plain-words message when ``value`` is not a valid answer, else ``None``.

        ``None`` (not answered) is not an error here: whether it must be answered depends on
        visibility, which :meth:`Questionnaire.missing_required` decides.
        """
        if value is None:
            return None
        if self.kind == KIND_MULTIPLE and isinstance(value, list | tuple):
            chosen = set(value)
            exclusive = [o for o in self.options if o.exclusive and o.value in chosen]
            if exclusive and len(chosen) > 1:
                return f"\u201c{exclusive[0].label}\u201d can't be combined with other answers."
        if self.normalize(value) is not None:
            return None
        if self.kind in CHOICE_KINDS:
            return "Please choose from the options given."
        if self.kind == KIND_SCALE:
            return f"Please choose a number from {self.min_value} to {self.max_value}."
        if self.kind == KIND_INTEGER:
            if not _is_int(value):
                return "Please enter a whole number."
            return f"Please enter a number from {self.min_value} to {self.max_value}."
        if isinstance(value, str) and len(value.strip()) > self.max_length:
            return f"Please keep this to {self.max_length} characters or fewer."
        return "Please enter some text, or leave it empty."

    def normalize(self, value: Any) -> Any | None:
        """The canonical form of a valid answer, or ``None`` if unanswered or invalid.

        Multiple choice is de-duplicated and put in the definition's order. If an exclusive
        option ("None of these") arrives together with real findings, the findings win: a
        safety sign must never be cleared by a stray "None of these".
        """
        if value is None:
            return None
        if self.kind == KIND_SINGLE:
            return value if isinstance(value, str) and value in self._option_values else None
        if self.kind == KIND_MULTIPLE:
            if not isinstance(value, list | tuple):
                return None
            if not all(isinstance(item, str) and item in self._option_values for item in value):
                return None
            picked = [option for option in self.options if option.value in value]
            findings = [option for option in picked if not option.exclusive]
            kept = findings or picked
            return [option.value for option in kept] or None
        if self.kind in NUMERIC_KINDS:
            if not _is_int(value):
                return None
            if self.min_value is not None and value < self.min_value:
                return None
            if self.max_value is not None and value > self.max_value:
                return None
            return value
        if not isinstance(value, str):
            return None
        text = value.strip()
        return text if text and len(text) <= self.max_length else None

    @cached_property
    def _option_values(self) -> frozenset[str]:
        return frozenset(option.value for option in self.options)


@dataclass(frozen=True)
class Step:
    """One page of the questionnaire; ``slug`` is its URL segment."""

    slug: str
    title: str
    intro: str
    questions: tuple[Question, ...]

    def __post_init__(self) -> None:
        object.__setattr__(self, "questions", tuple(self.questions))
        if not STEP_SLUG_PATTERN.match(self.slug):
            raise ValueError(f"step slug {self.slug!r} is not URL-safe")
        if not self.questions:
            raise ValueError(f"step {self.slug!r} has no questions")
        if self.questions[0].enable_when:
            # Every step must be reachable: its first question always shows.
            raise ValueError(f"step {self.slug!r}: the first question must be unconditioned")

    def texts(self) -> tuple[str, ...]:
        """Everything the runner reads on this page, in order (for word counts)."""
        own = tuple(part for part in (self.title, self.intro) if part)
        return own + tuple(text for question in self.questions for text in question.texts())

    def word_count(self) -> int:
        return sum(word_count(text) for text in self.texts())


@dataclass(frozen=True)
class Module:
    """A named group of steps answered alone, in any order, after the core (version 2's home
    tests): each measures one ``driver``; ``minutes`` is the honest estimate shown to the runner.
    """

    key: str
    title: str
    intro: str
    driver: str
    steps: tuple[str, ...]
    minutes: int

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(self.steps))
        if not STEP_SLUG_PATTERN.match(self.key):
            raise ValueError(f"module key {self.key!r} is not URL-safe")
        if not self.steps:
            raise ValueError(f"module {self.key!r} has no steps")
        if not _is_int(self.minutes) or self.minutes < 1:
            raise ValueError(f"module {self.key!r}: minutes must be a positive whole number")


@dataclass(frozen=True)
class Questionnaire:
    """A published, versioned questionnaire. Published versions are never edited: add a new one."""

    version: str
    title: str
    signed_off_by: str
    signed_off_on: datetime.date
    steps: tuple[Step, ...]
    # Steps named by a module are optional and come after the core (the other steps).
    modules: tuple[Module, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "steps", tuple(self.steps))
        object.__setattr__(self, "modules", tuple(self.modules))
        self._validate()

    def _validate(self) -> None:
        if not self.version or not self.signed_off_by.strip():
            raise ValueError("a questionnaire needs a version and the clinician who signed it off")
        if not isinstance(self.signed_off_on, datetime.date):
            raise ValueError("signed_off_on must be a date")
        if not self.steps:
            raise ValueError("a questionnaire needs steps")
        slugs = [step.slug for step in self.steps]
        if len(set(slugs)) != len(slugs):
            raise ValueError("step slugs must be unique")
        seen: dict[str, Question] = {}
        for question in self.questions():
            if question.link_id in seen:
                raise ValueError(f"duplicate linkId {question.link_id!r}")
            for condition in question.enable_when:
                _validate_condition(question, condition, seen)
            seen[question.link_id] = question
        self._validate_modules()
        for step in self.steps:
            for question in step.questions:
                if question.self_test is not None and question.self_test.timer is not None:
                    _validate_timer(step, question, question.self_test.timer)

    def _validate_modules(self) -> None:
        keys = [module.key for module in self.modules]
        if len(set(keys)) != len(keys):
            raise ValueError("module keys must be unique")
        owner: dict[str, str] = {}
        for module in self.modules:
            for slug in module.steps:
                if slug not in self._step_positions:
                    raise ValueError(f"module {module.key!r}: no step {slug!r}")
                if slug in owner:
                    raise ValueError(f"step {slug!r} is in two modules")
                owner[slug] = module.key
        if not self.modules:
            return
        kinds = ["module" if step.slug in owner else "core" for step in self.steps]
        if kinds[0] != "core" or "core" in kinds[kinds.index("module") :]:
            raise ValueError("the core steps come first, then the modules' steps")
        # Modules are answered alone and in any order: a module's questions may depend on the
        # core or on their own module, never on another module.
        module_of_question = {
            question.link_id: owner.get(step.slug)
            for step in self.steps
            for question in step.questions
        }
        for step in self.steps:
            for question in step.questions:
                for condition in question.enable_when:
                    source = module_of_question[condition.question]
                    if source is not None and source != owner.get(step.slug):
                        raise ValueError(
                            f"question {question.link_id!r}: enableWhen reaches into module "
                            f"{source!r}"
                        )

    # -- navigation ----------------------------------------------------------------------------

    def step(self, slug: str) -> Step:
        """The step with this slug; ``KeyError`` if unknown."""
        return self.steps[self.step_index(slug)]

    def step_index(self, slug: str) -> int:
        """Zero-based position of a step; ``KeyError`` if unknown."""
        try:
            return self._step_positions[slug]
        except KeyError:
            raise KeyError(f"no step {slug!r} in questionnaire version {self.version}") from None

    def next_step(self, slug: str) -> Step | None:
        """The step after ``slug``, or ``None`` after the last one."""
        index = self.step_index(slug) + 1
        return self.steps[index] if index < len(self.steps) else None

    def previous_step(self, slug: str) -> Step | None:
        """The step before ``slug``, or ``None`` before the first one."""
        index = self.step_index(slug) - 1
        return self.steps[index] if index >= 0 else None

    def question(self, link_id: str) -> Question:
        """The question with this linkId; ``KeyError`` if unknown."""
        try:
            return self._questions_by_link_id[link_id]
        except KeyError:
            raise KeyError(f"no question {link_id!r} in version {self.version}") from None

    def step_of(self, link_id: str) -> Step:
        """The step that holds a question; ``KeyError`` if unknown."""
        return self.step(self._step_slug_by_link_id[self.question(link_id).link_id])

    def questions(self) -> tuple[Question, ...]:
        """Every question, in the order a runner meets them."""
        return tuple(question for step in self.steps for question in step.questions)

    # -- core and modules ----------------------------------------------------------------------

    @property
    def core_steps(self) -> tuple[Step, ...]:
        """The steps every runner answers (all of them when there are no modules)."""
        in_modules = {slug for module in self.modules for slug in module.steps}
        return tuple(step for step in self.steps if step.slug not in in_modules)

    def module(self, key: str) -> Module:
        """The module with this key; ``KeyError`` if unknown."""
        for module in self.modules:
            if module.key == key:
                return module
        raise KeyError(f"no module {key!r} in version {self.version}")

    def module_of(self, step: Step | str) -> Module | None:
        """The module a step belongs to, or ``None`` for a core step."""
        slug = step if isinstance(step, str) else step.slug
        self.step_index(slug)  # KeyError for an unknown step
        return next((module for module in self.modules if slug in module.steps), None)

    def module_questions(self, key: str) -> tuple[Question, ...]:
        """The questions of a module's steps, in order."""
        module = self.module(key)
        return tuple(question for slug in module.steps for question in self.step(slug).questions)

    # -- answers -------------------------------------------------------------------------------

    def is_enabled(self, question: Question | str, answers: Answers) -> bool:
        """Whether ``question`` shows, given the answers (hidden earlier answers do not count)."""
        link_id = question if isinstance(question, str) else question.link_id
        return self._evaluate(answers)[1][link_id]

    def visible_questions(self, step: Step | str, answers: Answers) -> tuple[Question, ...]:
        """The questions of a step that show for these answers, in order."""
        step = self.step(step) if isinstance(step, str) else step
        enabled = self._evaluate(answers)[1]
        return tuple(question for question in step.questions if enabled[question.link_id])

    def enabled(self, answers: Answers) -> dict[str, bool]:
        """Whether each question shows, by linkId (one pass over the questionnaire)."""
        return self._evaluate(answers)[1]

    def missing_required(self, step: Step | str, answers: Answers) -> tuple[str, ...]:
        """LinkIds of visible required questions of a step without a valid answer."""
        step = self.step(step) if isinstance(step, str) else step
        return self.missing_required_by_step(answers, steps=(step,))[step.slug]

    def missing_required_by_step(
        self, answers: Answers, *, steps: Iterable[Step] | None = None
    ) -> dict[str, tuple[str, ...]]:
        """``missing_required`` for every step (or ``steps``), from one pass over the answers."""
        cleaned, enabled = self._evaluate(answers)
        return {
            step.slug: tuple(
                question.link_id
                for question in step.questions
                if enabled[question.link_id]
                and question.required
                and question.link_id not in cleaned
            )
            for step in (self.steps if steps is None else steps)
        }

    def clean_answers(self, answers: Answers) -> dict[str, Any]:
        """The valid answers to visible questions, normalized, in definition order.

        Drops unknown linkIds, invalid values and answers to questions hidden by the other
        answers (decided in order, so a chain of conditions collapses correctly).
        """
        return self._evaluate(answers)[0]

    def _evaluate(self, answers: Answers) -> tuple[dict[str, Any], dict[str, bool]]:
        cleaned: dict[str, Any] = {}
        enabled: dict[str, bool] = {}
        for question in self.questions():
            shows = True
            if question.enable_when:
                # Only earlier answers already kept count, so a hidden answer enables nothing.
                results = [
                    condition.holds(cleaned.get(condition.question))
                    for condition in question.enable_when
                ]
                shows = all(results) if question.enable_behavior == ENABLE_ALL else any(results)
            enabled[question.link_id] = shows
            if shows:
                value = question.normalize(answers.get(question.link_id))
                if value is not None:
                    cleaned[question.link_id] = value
        return cleaned, enabled

    @cached_property
    def _step_positions(self) -> dict[str, int]:
        return {step.slug: index for index, step in enumerate(self.steps)}

    @cached_property
    def _questions_by_link_id(self) -> dict[str, Question]:
        return {question.link_id: question for question in self.questions()}

    @cached_property
    def _step_slug_by_link_id(self) -> dict[str, str]:
        return {q.link_id: step.slug for step in self.steps for q in step.questions}

    # -- export --------------------------------------------------------------------------------

    def to_dict(self) -> dict[str, Any]:
        """The definition as JSON-ready data (fields left at their defaults are omitted).

        Omitting defaults keeps old versions' content hashes stable when the model later gains
        an optional field.
        """
        return _plain(self)

    def content_hash(self) -> str:
        """SHA-256 of the canonical JSON of the definition; pinned by a test per version."""
        canonical = json.dumps(
            self.to_dict(), sort_keys=True, ensure_ascii=False, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def _validate_condition(
    question: Question, condition: Condition, earlier: dict[str, Question]
) -> None:
    where = f"question {question.link_id!r}"
    source = earlier.get(condition.question)
    if source is None:
        raise ValueError(f"{where}: enableWhen must refer to an earlier question")
    if condition.operator in NUMERIC_OPERATORS and source.kind not in NUMERIC_KINDS:
        raise ValueError(f"{where}: {condition.operator!r} needs an integer or scale question")
    if condition.operator in (OP_IN, OP_NOT_IN):
        if source.is_choice:
            known = {option.value for option in source.options}
            unknown = [value for value in condition.values if value not in known]
            if unknown:
                raise ValueError(f"{where}: enableWhen values {unknown} are not options")
        elif source.kind == KIND_TEXT:
            raise ValueError(f"{where}: text answers can only be tested with 'answered'")


def _validate_timer(step: Step, question: Question, timer: Timer) -> None:
    """A stopwatch fills whole-second questions on the same page as its self-test."""
    on_page = {other.link_id: other for other in step.questions}
    for link_id in timer.fills:
        target = on_page.get(link_id)
        if target is None or target.kind != KIND_INTEGER or target.unit != "seconds":
            raise ValueError(
                f"question {question.link_id!r}: the timer fills {link_id!r}, which is not a "
                "seconds question on the same page"
            )


def word_count(text: str) -> int:
    """Words as a reader counts them: "30%", "don't" and "2-3" are one word each."""
    return len(WORD_PATTERN.findall(text))


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _plain(value: Any) -> Any:
    if is_dataclass(value) and not isinstance(value, type):
        result = {}
        for item in fields(value):
            current = getattr(value, item.name)
            if item.default is not MISSING and current == item.default:
                continue
            if item.default_factory is not MISSING and current == item.default_factory():
                continue
            result[item.name] = _plain(current)
        return result
    if isinstance(value, Mapping):
        return {str(key): _plain(item) for key, item in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value

"""Scoring rubric v2 (SCORING.md, "Version 2") as one pure function: ``score(questionnaire,
answers)``, plus ``score_for`` which scores any submission by its questionnaire version.

Version 2 keeps version 1's points, bands, flags and likelihood rules and changes what a result
may claim (the rubric's "Rules changed"):

- a driver is **measured** only when at least half of its module's items are answered; until
  then it has no score (``None``, "not measured yet"), never 0, and the findings that point to
  it from elsewhere (sitting 6 h or more, little strength training) are "what we will look at";
- **no single answer decides**: a driver is named primary or co-primary only when its points
  come from at least two different items, and only among measured drivers;
- the visit is the gait analysis when movement and technique is primary or co-primary, or when
  crossover or overstriding was seen on video or told by a coach;
- home-test findings are worded as what the runner saw, then what it can mean, hedged.

No Django and no I/O: the shared rules come from ``assessments.scoring`` by their public names
only (safety flags, point bands, thresholds, the appointment codes), so each rule keeps one home.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from assessments.questionnaire import education_v2 as words
from assessments.questionnaire.model import Module, Question, Questionnaire
from assessments.scoring import (
    APPOINTMENT_GAIT,
    APPOINTMENT_STANDARD,
    BONE_FOCAL_SIGNS,
    BONE_LOW_ENERGY,
    BONE_STRESS_QUESTION,
    BONE_TRAINING_JUMP,
    BOOKING_BLOCKING_LEVELS,
    CLEAR_DRIVER_MIN_SCORE,
    CO_PRIMARY_MAX_GAP,
    CONTRIBUTING,
    DRIVER_LABELS,
    DRIVERS,
    LIKELIHOOD_CONSISTENT,
    LIKELIHOOD_POSSIBLE,
    LIKELIHOOD_UNLIKELY,
    OPTION_REASONS,
    TRAINING_TRIGGER_MIN_SCORE,
    DriverScore,
    Flag,
    Reason,
    ReasonText,
    Result,
    points_to_score,
    scored_items,
)
from assessments.scoring import safety_flags as rubric_v1_safety_flags
from assessments.scoring import score as rubric_v1_score
from assessments.scoring.algorithm import ReasonWords, driver_score, item_reasons, pick_text

RESULT_SCHEMA_V2 = 2

# At least half of a module's items answered (not "not sure") measures its driver.
MEASURED_MIN_SHARE = 0.5
# A driver is named primary only with points from at least this many different items.
MIN_ITEMS_TO_NAME = 2

# -- the pain pattern (version 2 splits version 1's "outer thigh or outside of the hip") -------

PAIN_LOCATION_QUESTION = "pain_location"
PAIN_ONSET_QUESTION = "pain_onset"
PAIN_DOWNHILL_QUESTION = "pain_downhill"
OUTSIDE_KNEE = "outside_knee"
# Version 1 counted "outer thigh or outside of the hip" as lateral; both halves still are.
LATERAL_LOCATIONS = frozenset({OUTSIDE_KNEE, "outer_thigh", "outside_hip"})
NOT_LATERAL_LOCATIONS = frozenset({"front_knee", "inside_knee", "back_knee", "elsewhere"})
ONSET_PREDICTABLE = "into_run"
WORSE_DOWNHILL = "yes"

# -- safety: the soft list also holds the bone-stress signs ------------------------------------

SOFT_QUESTION = "safety_soft"
BONE_SIGNS = BONE_FOCAL_SIGNS | {BONE_TRAINING_JUMP, BONE_LOW_ENERGY}

# -- the visit ----------------------------------------------------------------------------------

TECHNIQUE = "movement_technique"
VISIT_MOVEMENT_PRIMARY = "movement_primary"
VISIT_CROSSOVER_REPORTED = "crossover_reported"
VISIT_OVERSTRIDING_REPORTED = "overstriding_reported"
# Seen on video or told by a coach: either is enough for a gait analysis (SCORING.md v2).
REPORTED = frozenset({"yes_video", "yes_told"})
REPORTED_GAIT_FINDINGS = (
    ("crossover", VISIT_CROSSOVER_REPORTED),
    ("overstriding", VISIT_OVERSTRIDING_REPORTED),
)

# -- what the result says about foam rolling --------------------------------------------------

TRIED_QUESTION = "tried"
FOAM_ROLLING_LITTLE = "foam_rolling_little"
FOAM_ROLLING_HELPED = "foam_rolling_helped"

MODULE_NOT_STARTED = "not_started"
MODULE_STARTED = "started"
MODULE_DONE = "done"


# -- reasons, hedged (SCORING.md v2 "Wording") -------------------------------------------------


def _seen(finding: str, itb_meaning: str, general_meaning: str) -> ReasonText:
    """What the runner saw or said, then what it can mean: for the IT band, or in general."""
    return ReasonText(f"{finding} {itb_meaning}", f"{finding} {general_meaning}")


# Keyed by (linkId, option value, driver). Training-load findings are facts the runner reports,
# not home-test observations; they keep version 1's sentences (``scoring.OPTION_REASONS``).
REASONS: Mapping[tuple[str, str, str], ReasonText] = {
    ("sitting_hours", "6_or_more", "hip_mobility"): _seen(
        "You sit for 6 hours or more on most days.",
        "Long sitting keeps the front of the hip shortened, which can stiffen the hip and add "
        "tension to the TFL and IT band.",
        "Long sitting keeps the front of the hip shortened, which can stiffen the hip.",
    ),
    ("thomas_test", "thigh_lifts", "hip_mobility"): _seen(
        "In the Thomas test the back of your thigh lifted off the bed.",
        "That often means tight muscles at the front of the hip, which can make the TFL work "
        "harder and pull on the IT band.",
        "That often means tight muscles at the front of the hip, which can change how the hip "
        "and knee share the load.",
    ),
    ("thomas_test", "thigh_drifts_out", "hip_mobility"): _seen(
        "In the Thomas test your thigh drifted outward.",
        "That often means the TFL, the muscle at the top of the IT band, is tight and keeps the "
        "band under tension.",
        "That often means tight muscles at the side of the hip, which can change how the knee "
        "is loaded.",
    ),
    ("thomas_test", "knee_straightens", "hip_mobility"): _seen(
        "In the Thomas test your knee straightened.",
        "That often means a tight muscle at the front of the thigh; runners who lean on their "
        "quads tend to load the IT band more.",
        "That often means a tight muscle at the front of the thigh, which can add pressure at "
        "the front of the knee.",
    ),
    ("hip_rotation", "less_painful_side", "hip_mobility"): _seen(
        "Your painful hip turned clearly less than the other one.",
        "When a hip joint doesn't move well, the muscles around it, including the TFL, may make "
        "up for it and add tension to the IT band.",
        "When a hip joint doesn't move well, the knee may take more of the load.",
    ),
    ("deep_squat", "heels_or_pinch", "hip_mobility"): _seen(
        "In the deep squat your heels lifted or the front of your hip pinched before parallel.",
        "That can mean stiff hips or ankles, which push work onto the muscles that pull on the "
        "IT band.",
        "That can mean stiff hips or ankles, which make the knee work harder.",
    ),
    ("side_plank", "could_not_hold", "strength_balance"): _seen(
        "You couldn't hold a side plank.",
        "That can mean the side-hip muscles tire quickly; when they do, the TFL tends to take "
        "over and pull on the IT band.",
        "That can mean the side-hip muscles tire quickly, letting the hip and knee drift out "
        "of line late in a run.",
    ),
    ("single_leg_stance", "opposite_hip_drops", "strength_balance"): _seen(
        "Standing on the painful leg, your opposite hip dropped.",
        "That often means the gluteus medius isn't holding the pelvis level, so the TFL and IT "
        "band may do more of the work on every stride.",
        "That often means the side-hip muscles aren't holding the pelvis level, which can load "
        "the knee and hip unevenly on every stride.",
    ),
    ("side_lying_leg_raise", "tfl_takes_over", "strength_balance"): _seen(
        "In the side-lying leg raise the front of your hip cramped or your leg drifted forward.",
        "That often means the TFL is helping the glutes more than it should, pulling the IT "
        "band forward.",
        "That often means a muscle at the front of the hip is helping the glutes more than it "
        "should.",
    ),
    ("strength_training", "never", "strength_balance"): _seen(
        "You rarely do strength training.",
        "Strong glutes balance the TFL and steady the pelvis, which helps protect the IT band.",
        "Strong hip and thigh muscles help protect the knees and hips from running load.",
    ),
    ("strength_training", "once_a_week", "strength_balance"): _seen(
        "You do strength training about once a week.",
        "Twice a week builds the glute strength that protects the IT band faster.",
        "Twice a week builds the hip strength that protects the knees faster.",
    ),
    ("single_leg_squat", "hip_drops", "strength_balance"): _seen(
        "In the single-leg squat your opposite hip dropped.",
        "That can mean the side-hip muscles can't yet hold the pelvis level under load, leaving "
        "the TFL to pull on the IT band.",
        "That can mean the side-hip muscles can't yet hold the pelvis level under load.",
    ),
    ("single_leg_squat", "knee_dives_in", "movement_technique"): _seen(
        "In the single-leg squat your knee dived inward.",
        "Collapsing through the hip and knee can twist the leg and strain the IT band, and it "
        "tends to repeat on every stride.",
        "Collapsing through the hip and knee can twist the leg and strain the knee.",
    ),
    ("single_leg_squat", "hip_drops", "movement_technique"): _seen(
        "In the single-leg squat your opposite hip dropped.",
        "Collapsing through the hips can add strain on the IT band on every stride.",
        "Collapsing through the hips can add strain on the knee and hip on every stride.",
    ),
    ("single_leg_squat", "trunk_leans", "movement_technique"): _seen(
        "In the single-leg squat your body leaned to the side.",
        "That is often a way of making up for tired hip muscles, and it can shift load onto "
        "the outside of the leg and the IT band.",
        "That is often a way of making up for tired hip muscles, and it can shift load onto "
        "the knee.",
    ),
    ("crossover", "yes_video", "movement_technique"): _seen(
        "On video, your feet landed close to or across the midline.",
        "A narrow step like this can angle the thigh inward and pull the IT band tight over the "
        "outside of the knee.",
        "A narrow step like this can angle the thigh inward and add load on the knee and hip.",
    ),
    ("crossover", "yes_told", "movement_technique"): _seen(
        "You've been told your feet land close to or across the midline.",
        "A narrow step like this can angle the thigh inward and pull the IT band tight over the "
        "outside of the knee.",
        "A narrow step like this can angle the thigh inward and add load on the knee and hip.",
    ),
    ("overstriding", "yes_video", "movement_technique"): _seen(
        "On video, you overstrode or landed heavily on your heel.",
        "Landing with the foot far ahead of the body can raise the braking force the hip "
        "muscles and IT band have to absorb.",
        "Landing with the foot far ahead of the body can raise the braking force on the knee.",
    ),
    ("overstriding", "yes_told", "movement_technique"): _seen(
        "You've been told you overstride or land heavily on your heel.",
        "Landing with the foot far ahead of the body can raise the braking force the hip "
        "muscles and IT band have to absorb.",
        "Landing with the foot far ahead of the body can raise the braking force on the knee.",
    ),
    ("standing_posture", "tips_forward", "pelvic_position"): _seen(
        "Standing, your belt line tipped forward with a large arch in your low back.",
        "That can mean a pelvis tipped forward, which changes how the glutes and TFL work and "
        "can add tension on the IT band.",
        "That can mean a pelvis tipped forward, which changes how the hip muscles share the load.",
    ),
    ("wall_test", "more_than_flat_hand", "pelvic_position"): _seen(
        "In the wall test more than a flat hand fit behind your low back.",
        "That is another sign the pelvis may be tipped forward, which can add IT band tension.",
        "That is another sign the pelvis may be tipped forward, which can change how the hips "
        "carry load.",
    ),
    ("rib_flare", "yes", "pelvic_position"): _seen(
        "Your lower ribs flare forward.",
        "That often goes with a pelvis tipped forward and can add tension on the IT band.",
        "That often goes with a pelvis tipped forward and can change how the hip muscles work.",
    ),
    ("low_back_after_runs", "yes", "pelvic_position"): _seen(
        "Your low back is tight or sore after runs.",
        "That often goes with an arched back and a pelvis tipped forward, which can change how "
        "the glutes and TFL act on the IT band.",
        "That often goes with an arched back and a pelvis tipped forward, which can change how "
        "the hip muscles work.",
    ),
}

SIDE_PLANK_BAND_REASON = _seen(
    "Your weaker side held a side plank for {seconds} seconds; healthy adults commonly hold "
    "about a minute.",
    "That can mean the side-hip muscles tire early, leaving the TFL to pull on the IT band.",
    "That can mean the side-hip muscles tire early, letting the hip and knee drift out of line "
    "late in a run.",
)
SIDE_PLANK_DIFFERENCE_REASON = _seen(
    "Your side plank was {difference} seconds shorter on one side than the other.",
    "One hip may tire first, and the IT band on that side may take more strain.",
    "One hip may tire first, and that leg may take more strain.",
)
CADENCE_REASON = _seen(
    "Your cadence is {cadence} steps per minute.",
    "A low step rate usually means longer, heavier strides; raising it by 5 to 10% lowers the "
    "load on the hip and knee, including the IT band.",
    "A low step rate usually means longer, heavier strides; raising it by 5 to 10% lowers the "
    "load on the hip and knee.",
)


# -- result -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class DriverResult:
    """One of the four drivers in a version 2 result: measured with a score, or not yet.

    ``reasons`` are the findings counted in the score (only when measured); ``look_at`` the
    findings shown as "what we will look at" while the driver is not measured. ``note`` is what
    the runner reads beside it when it has no score or is not named although high.
    """

    key: str
    label: str
    measured: bool
    score: int | None
    points: float
    module_answered: int
    module_items: int
    finding_items: int
    one_item_only: bool
    note: str
    reasons: tuple[Reason, ...]
    look_at: tuple[Reason, ...]

    @property
    def confidence(self) -> float:
        """Share of the module's items answered (0 when the module has none)."""
        return self.module_answered / self.module_items if self.module_items else 0.0

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "measured": self.measured,
            "score": None if self.score is None else int(self.score),
            "points": float(self.points),
            "module_answered": int(self.module_answered),
            "module_items": int(self.module_items),
            "finding_items": int(self.finding_items),
            "one_item_only": self.one_item_only,
            "note": self.note,
            "reasons": [reason.as_dict() for reason in self.reasons],
            "look_at": [reason.as_dict() for reason in self.look_at],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> DriverResult:
        return cls(
            key=str(data["key"]),
            label=str(data["label"]),
            measured=bool(data["measured"]),
            score=None if data["score"] is None else int(data["score"]),
            points=float(data["points"]),
            module_answered=int(data["module_answered"]),
            module_items=int(data["module_items"]),
            finding_items=int(data["finding_items"]),
            one_item_only=bool(data["one_item_only"]),
            note=str(data["note"]),
            reasons=tuple(Reason.from_dict(reason) for reason in data["reasons"]),
            look_at=tuple(Reason.from_dict(reason) for reason in data["look_at"]),
        )


@dataclass(frozen=True)
class ModuleStatus:
    """Whether the runner did a module: ``done`` exactly when its driver is measured."""

    key: str
    title: str
    driver: str
    minutes: int
    state: str
    answered: int
    items: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "title": self.title,
            "driver": self.driver,
            "minutes": int(self.minutes),
            "state": self.state,
            "answered": int(self.answered),
            "items": int(self.items),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ModuleStatus:
        return cls(
            key=str(data["key"]),
            title=str(data["title"]),
            driver=str(data["driver"]),
            minutes=int(data["minutes"]),
            state=str(data["state"]),
            answered=int(data["answered"]),
            items=int(data["items"]),
        )


@dataclass(frozen=True)
class Headline:
    """The top of a booking-first result: the pattern, the likely trigger, the most likely
    drivers (only when named) and what the visit will check, as sentences."""

    pattern: str
    trigger: str | None
    most_likely: str | None
    will_check: tuple[str, ...]
    will_check_text: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "pattern": self.pattern,
            "trigger": self.trigger,
            "most_likely": self.most_likely,
            "will_check": list(self.will_check),
            "will_check_text": self.will_check_text,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Headline:
        return cls(
            pattern=str(data["pattern"]),
            trigger=None if data["trigger"] is None else str(data["trigger"]),
            most_likely=None if data["most_likely"] is None else str(data["most_likely"]),
            will_check=tuple(str(key) for key in data["will_check"]),
            will_check_text=str(data["will_check_text"]),
        )


@dataclass(frozen=True)
class ResultV2:
    """Everything a version 2 result page, the booking gate and the clinician review need.

    The fields shared with version 1's ``Result`` (primary, highest_flag, itb_likelihood,
    booking_allowed, recommended_appointment, flags) mean the same, so code that stores or
    gates on them reads either. An emergency or urgent result has no headline and no sections:
    the runner gets the safety page only.
    """

    version: str
    drivers: tuple[DriverResult, ...]
    training_load: DriverScore
    primary: tuple[str, ...]
    no_clear_driver: bool
    training_trigger: bool
    itb_likelihood: str
    flags: tuple[Flag, ...]
    highest_flag: str | None
    booking_allowed: bool
    recommended_appointment: str | None
    visit_reasons: tuple[str, ...]
    modules: tuple[ModuleStatus, ...]
    headline: Headline | None
    sections: tuple[str, ...]

    def driver(self, key: str) -> DriverResult:
        """One of the four drivers; ``KeyError`` if unknown (training load is its own field)."""
        for driver in self.drivers:
            if driver.key == key:
                return driver
        raise KeyError(key)

    @property
    def modules_done(self) -> tuple[str, ...]:
        return tuple(module.key for module in self.modules if module.state == MODULE_DONE)

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready (str/int/float/bool/None/list/dict only), stored at submit time."""
        return {
            "schema": RESULT_SCHEMA_V2,
            "version": self.version,
            "drivers": [driver.as_dict() for driver in self.drivers],
            "training_load": self.training_load.as_dict(),
            "primary": list(self.primary),
            "no_clear_driver": self.no_clear_driver,
            "training_trigger": self.training_trigger,
            "itb_likelihood": self.itb_likelihood,
            "flags": [flag.as_dict() for flag in self.flags],
            "highest_flag": self.highest_flag,
            "booking_allowed": self.booking_allowed,
            "recommended_appointment": self.recommended_appointment,
            "visit_reasons": list(self.visit_reasons),
            "modules": [module.as_dict() for module in self.modules],
            "headline": None if self.headline is None else self.headline.as_dict(),
            "sections": list(self.sections),
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> ResultV2:
        """Rebuild a stored result exactly; ``ValueError`` for a schema this code can't read."""
        if data.get("schema") != RESULT_SCHEMA_V2:
            raise ValueError(f"unsupported result schema {data.get('schema')!r}")
        return cls(
            version=str(data["version"]),
            drivers=tuple(DriverResult.from_dict(driver) for driver in data["drivers"]),
            training_load=DriverScore.from_dict(data["training_load"]),
            primary=tuple(str(key) for key in data["primary"]),
            no_clear_driver=bool(data["no_clear_driver"]),
            training_trigger=bool(data["training_trigger"]),
            itb_likelihood=str(data["itb_likelihood"]),
            flags=tuple(Flag.from_dict(flag) for flag in data["flags"]),
            highest_flag=None if data["highest_flag"] is None else str(data["highest_flag"]),
            booking_allowed=bool(data["booking_allowed"]),
            recommended_appointment=(
                None
                if data["recommended_appointment"] is None
                else str(data["recommended_appointment"])
            ),
            visit_reasons=tuple(str(code) for code in data["visit_reasons"]),
            modules=tuple(ModuleStatus.from_dict(module) for module in data["modules"]),
            headline=None if data["headline"] is None else Headline.from_dict(data["headline"]),
            sections=tuple(str(key) for key in data["sections"]),
        )


# -- scoring ------------------------------------------------------------------------------------


def score(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> ResultV2:
    """Score one set of answers (core, and any modules done) on a version 2 questionnaire.

    Answers to hidden questions, unknown linkIds and invalid values are ignored (never an
    error), so a result can be computed after the core alone and again after each module.
    """
    module_of_driver = _modules_by_driver(questionnaire)
    cleaned = questionnaire.clean_answers(answers)
    likelihood = itb_likelihood(cleaned)
    linked = likelihood != LIKELIHOOD_UNLIKELY
    drivers = {
        key: _driver_result(questionnaire, cleaned, key, module_of_driver[key], linked=linked)
        for key in DRIVERS
    }
    training_load = _training_load(questionnaire, cleaned, linked=linked)
    # Measured drivers by score (sorted() is stable: ties keep the rubric's order), then the
    # ones not measured yet, in the rubric's order.
    measured = sorted((d for d in drivers.values() if d.measured), key=lambda d: -(d.score or 0))
    ranked = (*measured, *(d for d in drivers.values() if not d.measured))
    primary = _primary(ranked)
    training_trigger = not primary and training_load.score >= TRAINING_TRIGGER_MIN_SCORE
    flags = safety_flags(cleaned)
    highest_flag = flags[0].level if flags else None
    booking_allowed = highest_flag not in BOOKING_BLOCKING_LEVELS
    visit_reasons = _visit_reasons(cleaned, primary) if booking_allowed else ()
    if not booking_allowed:
        appointment = None
    elif visit_reasons:
        appointment = APPOINTMENT_GAIT
    else:
        appointment = APPOINTMENT_STANDARD
    modules = tuple(
        _module_status(questionnaire, cleaned, module, drivers[module.driver])
        for module in questionnaire.modules
    )
    if booking_allowed:
        headline = _headline(cleaned, likelihood, ranked, primary, training_trigger, appointment)
        sections = _sections(cleaned, likelihood, ranked, primary, training_trigger, modules)
    else:
        # Emergency or urgent: the safety page only (no ITB sentence, no education).
        headline, sections = None, ()
    return ResultV2(
        version=questionnaire.version,
        drivers=ranked,
        training_load=training_load,
        primary=primary,
        no_clear_driver=not primary,
        training_trigger=training_trigger,
        itb_likelihood=likelihood,
        flags=flags,
        highest_flag=highest_flag,
        booking_allowed=booking_allowed,
        recommended_appointment=appointment,
        visit_reasons=visit_reasons,
        modules=modules,
        headline=headline,
        sections=sections,
    )


def itb_likelihood(cleaned: Mapping[str, Any]) -> str:
    """Version 1's rule over version 2's locations: location decides first.

    Pain only at the front, inside or back of the knee, or elsewhere: unlikely. Lateral pain
    (outside of the knee, outer thigh, outside of the hip) with the running pattern (a
    predictable point into a run, or worse downhill): consistent. Outside-of-the-knee pain
    without the pattern, or no location with it: possible. Anything else: unlikely.
    """
    locations = set(cleaned.get(PAIN_LOCATION_QUESTION) or ()) & (
        LATERAL_LOCATIONS | NOT_LATERAL_LOCATIONS
    )
    if locations and locations <= NOT_LATERAL_LOCATIONS:
        return LIKELIHOOD_UNLIKELY
    running_pattern = cleaned.get(PAIN_ONSET_QUESTION) == ONSET_PREDICTABLE or (
        cleaned.get(PAIN_DOWNHILL_QUESTION) == WORSE_DOWNHILL
    )
    if locations & LATERAL_LOCATIONS and running_pattern:
        return LIKELIHOOD_CONSISTENT
    if OUTSIDE_KNEE in locations or (not locations and running_pattern):
        return LIKELIHOOD_POSSIBLE
    return LIKELIHOOD_UNLIKELY


def safety_flags(cleaned: Mapping[str, Any]) -> tuple[Flag, ...]:
    """Version 1's flags (``scoring.safety_flags``) read from version 2's two lists.

    The red list already has version 1's linkId and flag codes; the soft list holds the
    bone-stress signs too, which version 1 reads from a question of their own, so they are
    handed over under that linkId. The rules (a focal sign needed for bone stress, the doctor's
    time frame, under 18) stay in one place.
    """
    bone = [value for value in cleaned.get(SOFT_QUESTION) or () if value in BONE_SIGNS]
    return rubric_v1_safety_flags({**cleaned, BONE_STRESS_QUESTION: bone})


# -- every version ------------------------------------------------------------------------------

SCORERS: Mapping[str, Callable[[Questionnaire, Mapping[str, Any]], Result | ResultV2]] = {
    "1": rubric_v1_score,
    "2": score,
}


def score_for(questionnaire: Questionnaire, answers: Mapping[str, Any]) -> Result | ResultV2:
    """Score answers with the rubric of the questionnaire version they were given on."""
    try:
        scorer = SCORERS[questionnaire.version]
    except KeyError:
        raise KeyError(
            f"no scoring rubric for questionnaire version {questionnaire.version!r}"
        ) from None
    return scorer(questionnaire, answers)


def result_from_dict(data: Mapping[str, Any]) -> Result | ResultV2:
    """Rebuild a stored result of any version (its ``schema`` says which)."""
    if data.get("schema") == RESULT_SCHEMA_V2:
        return ResultV2.from_dict(data)
    return Result.from_dict(data)


# -- drivers ------------------------------------------------------------------------------------


def _modules_by_driver(questionnaire: Questionnaire) -> dict[str, Module]:
    found = {module.driver: module for module in questionnaire.modules}
    missing = [key for key in DRIVERS if key not in found]
    if missing:
        raise ValueError(
            f"questionnaire version {questionnaire.version!r} has no module for {missing}: "
            "rubric v2 scores only a questionnaire with one module per driver"
        )
    return found


def _driver_result(
    questionnaire: Questionnaire,
    cleaned: Mapping[str, Any],
    driver: str,
    module: Module,
    *,
    linked: bool,
) -> DriverResult:
    in_module = {question.link_id for question in questionnaire.module_questions(module.key)}
    module_items = 0
    module_answered = 0
    finding_items = 0
    reasons: list[Reason] = []
    for question in scored_items(questionnaire, driver):
        item_reasons = _item_reasons(question, cleaned, driver, linked=linked)
        if question.link_id in in_module:
            module_items += 1
            module_answered += item_reasons is not None
        if item_reasons:
            finding_items += 1
            reasons.extend(item_reasons)
    measured = module_items > 0 and module_answered >= MEASURED_MIN_SHARE * module_items
    if not measured:
        return DriverResult(
            key=driver,
            label=DRIVER_LABELS[driver],
            measured=False,
            score=None,
            points=0.0,
            module_answered=module_answered,
            module_items=module_items,
            finding_items=finding_items,
            one_item_only=False,
            note=words.NOT_MEASURED_YET,
            reasons=(),
            look_at=tuple(reasons),
        )
    points = float(sum(reason.points for reason in reasons))
    value = points_to_score(points)
    one_item_only = value >= CLEAR_DRIVER_MIN_SCORE and finding_items < MIN_ITEMS_TO_NAME
    return DriverResult(
        key=driver,
        label=DRIVER_LABELS[driver],
        measured=True,
        score=value,
        points=points,
        module_answered=module_answered,
        module_items=module_items,
        finding_items=finding_items,
        one_item_only=one_item_only,
        note=words.ONE_ITEM_ONLY if one_item_only else "",
        reasons=tuple(reasons),
        look_at=(),
    )


def _training_load(
    questionnaire: Questionnaire, cleaned: Mapping[str, Any], *, linked: bool
) -> DriverScore:
    """The contributing factor, asked in the core: scored as in version 1 (always measured)."""
    return driver_score(questionnaire, cleaned, CONTRIBUTING, linked_to_itb=linked, words=WORDS)


def _item_reasons(
    question: Question, cleaned: Mapping[str, Any], driver: str, *, linked: bool
) -> list[Reason] | None:
    return item_reasons(question, cleaned, driver, linked_to_itb=linked, words=WORDS)


def _reason_text(link_id: str, value: str, label: str, driver: str, linked: bool) -> str:
    text = REASONS.get((link_id, value, driver)) or OPTION_REASONS.get((link_id, value, driver))
    if text is not None:
        return pick_text(text, linked)
    return f"You answered \u201c{label}\u201d, which adds to {DRIVER_LABELS[driver].lower()}."


# Version 2's words for the reasons (its own sentences; the points are version 1's rules).
WORDS = ReasonWords(
    option_text=_reason_text,
    measured=(SIDE_PLANK_BAND_REASON, SIDE_PLANK_DIFFERENCE_REASON, CADENCE_REASON),
)


def _primary(ranked: tuple[DriverResult, ...]) -> tuple[str, ...]:
    """Named drivers: measured, points from two or more items, 40 or more, within 10 of the
    highest such driver. A high score from one item alone is shown, never named."""
    eligible = [
        driver
        for driver in ranked
        if driver.measured
        and driver.finding_items >= MIN_ITEMS_TO_NAME
        and (driver.score or 0) >= CLEAR_DRIVER_MIN_SCORE
    ]
    if not eligible:
        return ()
    top = eligible[0].score or 0
    return tuple(d.key for d in eligible if top - (d.score or 0) <= CO_PRIMARY_MAX_GAP)


def _visit_reasons(cleaned: Mapping[str, Any], primary: tuple[str, ...]) -> tuple[str, ...]:
    """Why the gait analysis is recommended (empty: the 60-minute evaluation)."""
    reasons = [VISIT_MOVEMENT_PRIMARY] if TECHNIQUE in primary else []
    reasons += [
        code for link_id, code in REPORTED_GAIT_FINDINGS if cleaned.get(link_id) in REPORTED
    ]
    return tuple(reasons)


def _module_status(
    questionnaire: Questionnaire, cleaned: Mapping[str, Any], module: Module, driver: DriverResult
) -> ModuleStatus:
    started = any(q.link_id in cleaned for q in questionnaire.module_questions(module.key))
    if driver.measured:
        state = MODULE_DONE
    elif started:
        state = MODULE_STARTED
    else:
        state = MODULE_NOT_STARTED
    return ModuleStatus(
        key=module.key,
        title=module.title,
        driver=module.driver,
        minutes=module.minutes,
        state=state,
        answered=driver.module_answered,
        items=driver.module_items,
    )


# -- headline and sections ----------------------------------------------------------------------


def _headline(
    cleaned: Mapping[str, Any],
    likelihood: str,
    ranked: tuple[DriverResult, ...],
    primary: tuple[str, ...],
    training_trigger: bool,
    appointment: str | None,
) -> Headline:
    trigger = None
    if training_trigger:
        changes = [
            phrase
            for (link_id, value), phrase in words.TRIGGER_PHRASES.items()
            if _chosen(cleaned, link_id, value)
        ]
        trigger = words.TRIGGER_HEADLINE.format(changes=words.join_words(changes))
    most_likely = None
    if primary:
        template = words.MOST_LIKELY_ONE if len(primary) == 1 else words.MOST_LIKELY_SEVERAL
        names = [words.WILL_CHECK_PHRASES[key] for key in primary]
        most_likely = template.format(drivers=words.join_words(names))
    # Named drivers first, then measured drivers with findings, then the ones with findings
    # to look at, then the rest: every area is checked, the order says where to start.
    groups = (
        [d.key for d in ranked if d.key in primary],
        [d.key for d in ranked if d.measured and d.points and d.key not in primary],
        [d.key for d in ranked if not d.measured and d.look_at],
    )
    first = [key for group in groups for key in group]
    will_check = (*first, *(d.key for d in ranked if d.key not in first))
    template = words.WILL_CHECK_WITH_GAIT if appointment == APPOINTMENT_GAIT else words.WILL_CHECK
    areas = words.join_words([words.WILL_CHECK_PHRASES[key] for key in will_check])
    return Headline(
        pattern=words.PATTERN_HEADLINE[likelihood],
        trigger=trigger,
        most_likely=most_likely,
        will_check=will_check,
        will_check_text=template.format(areas=areas),
    )


def _sections(
    cleaned: Mapping[str, Any],
    likelihood: str,
    ranked: tuple[DriverResult, ...],
    primary: tuple[str, ...],
    training_trigger: bool,
    modules: tuple[ModuleStatus, ...],
) -> tuple[str, ...]:
    """The explanation the answers support, in reading order (keys of ``education_v2``)."""
    linked = likelihood != LIKELIHOOD_UNLIKELY
    suffix = "" if linked else words.GENERAL_SUFFIX
    keys = [words.SECTION_IT_BAND if linked else words.SECTION_UNLIKELY]
    # Foam rolling is explained only to runners who tried it, and only when the pain may be
    # the IT band's (the explanation is about the band).
    if linked and _chosen(cleaned, TRIED_QUESTION, FOAM_ROLLING_LITTLE):
        keys.append(words.SECTION_FOAM_ROLLING_LITTLE)
    elif linked and _chosen(cleaned, TRIED_QUESTION, FOAM_ROLLING_HELPED):
        keys.append(words.SECTION_FOAM_ROLLING_HELPED)
    keys += [key + suffix for key in primary]
    if training_trigger:
        keys.append(CONTRIBUTING + suffix)
    if any(not driver.measured for driver in ranked):
        keys.append(words.SECTION_NOT_MEASURED)
    if any(module.state != MODULE_NOT_STARTED for module in modules):
        keys.append(words.SECTION_HOME_TESTS)
    keys += [words.SECTION_MEANWHILE, words.SECTION_NOT_A_DIAGNOSIS]
    return tuple(keys)


def _chosen(cleaned: Mapping[str, Any], link_id: str, value: str) -> bool:
    answer = cleaned.get(link_id)
    return value in answer if isinstance(answer, list) else answer == value

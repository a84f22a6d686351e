"""The words of a version 2 result: headline sentences and the explanation sections.

Version 2's result is booking-first: a headline (the IT band pattern, the likely trigger, what
the visit will check), then only as much explanation as the answers support (SCORING.md v2,
"Wording"). ``assessments.scoring_v2`` decides which sections apply and stores their keys; this
module holds their text, so the wording is reviewed with the clinical content. Version 1's
texts (``education.py``) stay as they are for version 1 results.

Keys with a ``_general`` suffix are the variants for pain that does not fit the IT band
pattern: they speak of the knee and hip, not of the IT band.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

from .education import DRIVER_EDUCATION, GENERAL_MEANWHILE, HOME_TESTS_CAVEAT, NOT_A_DIAGNOSIS


@dataclass(frozen=True)
class Section:
    """One explanation block of the result page: a heading, a paragraph, optional tips."""

    title: str
    text: str
    tips: tuple[str, ...] = ()


# -- headline -----------------------------------------------------------------------------------

PATTERN_HEADLINE: Mapping[str, str] = MappingProxyType(
    {
        "consistent": "Your pain fits the usual IT band pattern.",
        "possible": (
            "Your pain could be IT band pain, but it doesn't clearly fit the usual pattern."
        ),
        "unlikely": (
            "Your pain doesn't look like the usual IT band pattern. An evaluation can find "
            "what it is."
        ),
    }
)

TRIGGER_HEADLINE = "The likely trigger is the recent change in your training: {changes}."

# (linkId, option) of a training-load finding -> how the trigger sentence names it.
TRIGGER_PHRASES: Mapping[tuple[str, str], str] = MappingProxyType(
    {
        ("distance_change", "up_over_30"): "weekly distance up by more than 30%",
        ("distance_change", "up_10_to_30"): "weekly distance up by 10 to 30%",
        ("terrain", "more_downhill"): "more downhill running",
        ("terrain", "camber_or_track"): "sloping roads or one-way track running",
        ("shoes_mileage", "over_500_mi"): "shoes past about 500 miles",
    }
)

MOST_LIKELY_ONE = "From your home tests, the most likely contributor is {drivers}."
MOST_LIKELY_SEVERAL = "From your home tests, the most likely contributors are {drivers}."

WILL_CHECK = "Your evaluation will check {areas}."
WILL_CHECK_WITH_GAIT = "Your evaluation, with a video gait analysis, will check {areas}."

# How the headline names each area the visit checks (labels read badly inside a sentence).
WILL_CHECK_PHRASES: Mapping[str, str] = MappingProxyType(
    {
        "hip_mobility": "how freely your hips move",
        "strength_balance": "the strength balance around your hips",
        "pelvic_position": "your pelvic position",
        "movement_technique": "how you move and run",
    }
)

NOT_MEASURED_YET = "Not measured yet: your evaluation will check it."
ONE_ITEM_ONLY = (
    "This rests on one answer, so we don't name it as a likely cause on its own; your "
    "evaluation will check it."
)


def join_words(items: list[str] | tuple[str, ...]) -> str:
    """ "a", "a and b", "a, b and c"."""
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} and {items[-1]}"


# -- sections -----------------------------------------------------------------------------------

SECTION_IT_BAND = "it_band"
SECTION_UNLIKELY = "unlikely"
SECTION_FOAM_ROLLING_LITTLE = "foam_rolling_little"
SECTION_FOAM_ROLLING_HELPED = "foam_rolling_helped"
SECTION_NOT_MEASURED = "not_measured"
SECTION_HOME_TESTS = "home_tests"
SECTION_MEANWHILE = "meanwhile"
SECTION_NOT_A_DIAGNOSIS = "not_a_diagnosis"
GENERAL_SUFFIX = "_general"


def _driver(key: str, title: str, itb: str, general: str) -> dict[str, Section]:
    tips = DRIVER_EDUCATION[key].try_meanwhile
    return {
        key: Section(title, itb, tips),
        key + GENERAL_SUFFIX: Section(title, general, tips),
    }


SECTIONS: Mapping[str, Section] = MappingProxyType(
    {
        SECTION_UNLIKELY: Section(
            "Not the usual IT band pattern",
            "IT band pain is felt on the outside of the knee or thigh and builds up during "
            "runs. Pain elsewhere, or pain that doesn't follow your runs, usually has another "
            "cause. That doesn't mean nothing is wrong: an evaluation with a physical therapist "
            "can find out what it is.",
        ),
        SECTION_IT_BAND: Section(
            "What the IT band is",
            "The IT band is a thick band of connective tissue (fascia) running from the hip to "
            "the outside of the knee. It isn't a muscle, so it doesn't stretch or loosen the "
            "way muscles do. Its tension comes from the muscles that attach to it, the TFL and "
            "the gluteus maximus and medius, and from how your hips move: the areas your "
            "evaluation checks.",
        ),
        SECTION_FOAM_ROLLING_LITTLE: Section(
            "Why foam rolling didn't help",
            "Rolling doesn't loosen, lengthen or break up the IT band: it is tough connective "
            "tissue, not a muscle. It may feel easier for a short while, but the cause usually "
            "lies in the muscles that attach to it and in how your hips move.",
        ),
        SECTION_FOAM_ROLLING_HELPED: Section(
            "About foam rolling",
            "Foam rolling can ease the pain for a while, and it's fine to keep it up if it "
            "feels good. It doesn't change the IT band itself, which is tough connective "
            "tissue; lasting relief comes from the muscles and the movement behind it.",
        ),
        **_driver(
            "hip_mobility",
            "Hip mobility",
            "Hip mobility is how freely your hip joints move. When the hips are stiff, often "
            "from long sitting or tight muscles at the front of the hip, the muscles around "
            "them, including the TFL at the top of the IT band, make up for it and can keep the "
            "band under extra tension on every stride. Helping the hip joint move well is what "
            "lasts.",
            "Hip mobility is how freely your hip joints move. When the hips are stiff, often "
            "from long sitting or tight muscles at the front of the hip, the knee and the "
            "muscles around the hip can end up doing extra work on every stride. Helping the "
            "hip joint move well is what lasts.",
        ),
        **_driver(
            "strength_balance",
            "Strength balance",
            "Your glutes (at the back and side of the hip) and the TFL (at the front and side) "
            "all attach to the IT band. When the glutes are weak or tire early, the TFL tends "
            "to take over, pulls the band forward and can irritate the outside of the knee, and "
            "the pelvis is less steady on each stride. Targeted strength work restores the "
            "balance.",
            "Your glutes, at the back and side of the hip, steady the pelvis and the knee on "
            "every stride. When they are weak or tire early, other muscles take over and the "
            "hip and knee can drift out of line late in a run. Targeted strength work restores "
            "the balance.",
        ),
        **_driver(
            "pelvic_position",
            "Pelvic position",
            "How your pelvis and rib cage stack matters. Many runners stand and run with the "
            "pelvis tipped forward and the lower ribs flared, which changes how the glutes and "
            "TFL work and can add tension on the IT band. Home posture checks are rough, so "
            "your clinician will look properly.",
            "How your pelvis and rib cage stack matters. Many runners stand and run with the "
            "pelvis tipped forward and the lower ribs flared, which changes how the hip "
            "muscles share the load. Home posture checks are rough, so your clinician will "
            "look properly.",
        ),
        **_driver(
            "movement_technique",
            "Movement and running technique",
            "How you move, in a squat or on a run, decides where the load goes. A knee that "
            "dives in, a hip that drops, feet that land across the midline, overstriding or few "
            "steps per minute can all add strain on the IT band on every stride. A gait "
            "analysis shows exactly what to change.",
            "How you move, in a squat or on a run, decides where the load goes. A knee that "
            "dives in, a hip that drops, feet that land across the midline, overstriding or few "
            "steps per minute can all add strain on the knee and hip on every stride. A gait "
            "analysis shows exactly what to change.",
        ),
        **_driver(
            "training_load",
            "Your training change",
            "A sudden jump in distance, more downhill, sloping roads or worn shoes rarely cause "
            "IT band pain on their own, but they are its most common trigger: the muscles "
            "around the band need time to adapt to new load. A gradual build gives them that "
            "time.",
            "A sudden jump in distance, more downhill, sloping roads or worn shoes are common "
            "triggers of running pain: muscles, tendons and bones need time to adapt to new "
            "load. A gradual build gives them that time.",
        ),
        SECTION_NOT_MEASURED: Section(
            "Not measured yet",
            "Areas without home tests read \u201cnot measured yet\u201d, never a score of "
            "zero: your evaluation will check them. The optional home tests take 2 to 3 "
            "minutes each and sharpen your profile, before or after you book.",
        ),
        SECTION_HOME_TESTS: Section("About home tests", HOME_TESTS_CAVEAT),
        SECTION_MEANWHILE: Section("Until your visit", "", GENERAL_MEANWHILE),
        SECTION_NOT_A_DIAGNOSIS: Section("Not a diagnosis", NOT_A_DIAGNOSIS),
    }
)


def section(key: str) -> Section:
    """The text of a section key stored in a version 2 result; ``KeyError`` if unknown."""
    return SECTIONS[key]

"""Plain-words education for the result page, grounded in the clinic's IT band article.

Kept as data beside the questionnaire (not in templates) so the wording is reviewed with the
clinical content and tested for coverage: every driver the scoring core can rank has a title, a
"what it means" paragraph and a few safe things to try while waiting for the visit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType


@dataclass(frozen=True)
class DriverEducation:
    """What a driver means for the runner and what they can safely do meanwhile."""

    key: str
    title: str
    what_it_means: str
    try_meanwhile: tuple[str, ...]


FOAM_ROLLING = (
    "Why foam rolling didn't help: the IT band is a thick band of connective tissue (fascia) "
    "that runs from the hip to the outside of the knee. It isn't a muscle, so rolling doesn't "
    "loosen it, lengthen it or break anything up. It may feel easier for a short while, but the "
    "cause usually lies in the muscles that attach to it (the TFL and the gluteus maximus and "
    "medius) and in how your hips move."
)

NOT_A_DIAGNOSIS = (
    "This is a profile of what is most likely contributing to your pain, based on your answers. "
    "It is not a diagnosis, and it doesn't replace an examination by a physical therapist."
)

HOME_TESTS_CAVEAT = (
    "Home self-tests have limited accuracy: the light, the camera angle and how your leg felt "
    "that day all change what you see. We weigh them modestly, no single answer decides your "
    "result, and your physical therapist will check each one properly."
)

LOW_CONFIDENCE = (
    "We couldn't judge this area well, because fewer than half of its tests were answered. "
    "Your clinician will test it at the visit."
)

NO_CLEAR_DRIVER = (
    "None of the four areas stands out from your answers. That is common with home tests, "
    "which can only see so much; a hands-on evaluation usually finds what a questionnaire can't."
)

TRAINING_TRIGGER = (
    "Your recent change in training is the most likely trigger. Load changes rarely act alone, "
    "so an evaluation is still the best next step: it finds which of the four areas made your "
    "legs less able to take the extra running."
)

LIKELIHOOD_TEXT: Mapping[str, str] = MappingProxyType(
    {
        "consistent": (
            "Your pain fits the usual IT band pattern: on the outside of the knee or thigh, "
            "starting at a predictable point in a run or worse downhill. That makes the areas "
            "below likely to matter, though only an evaluation can confirm it."
        ),
        "possible": (
            "Your pain could be IT band pain, but it doesn't clearly fit the usual pattern of "
            "where it is felt and how it starts. An evaluation will sort out what it is."
        ),
        "unlikely": (
            "Your pain doesn't look like the usual IT band pattern. IT band pain is felt on the "
            "outside of the knee or thigh and builds up during runs; pain elsewhere, or pain "
            "not connected to running, usually has another cause. That doesn't mean nothing is "
            "wrong: an evaluation with a physical therapist can find out what it is, and the "
            "findings below still matter for your knees and hips."
        ),
    }
)

GENERAL_MEANWHILE: tuple[str, ...] = (
    "Stop a run when the pain starts rather than pushing through it, and keep to flat routes.",
    "Exercises should stay at 3 out of 10 pain or less, with no flare-up the next morning.",
    "Get advice sooner if the pain makes you limp, wakes you at night or gets worse each day.",
)

DRIVER_EDUCATION: Mapping[str, DriverEducation] = MappingProxyType(
    {
        "hip_mobility": DriverEducation(
            key="hip_mobility",
            title="Hip mobility",
            what_it_means=(
                "Hip mobility is how freely your hip joints move. When the hips are stiff, "
                "often from long sitting or tight muscles at the front of the hip, the muscles "
                "around them, including the TFL at the top of the IT band, make up for it and "
                "keep the band under extra tension on every stride. The band itself is tough "
                "connective tissue, not a muscle, so foam rolling can't loosen or lengthen it; "
                "the lasting change comes from helping the hip joint move well."
            ),
            try_meanwhile=(
                "Break up long sitting: stand and walk for a minute or two every 30 to 45 minutes.",
                "Half-kneeling hip stretch: kneel on a cushion, tuck your tailbone under and "
                "shift gently forward until you feel a stretch at the front of the hip. Hold "
                "30 seconds, 3 times a day. A stretch, never pain.",
                "Slow hip circles on hands and knees, 10 each way, within a comfortable range.",
            ),
        ),
        "strength_balance": DriverEducation(
            key="strength_balance",
            title="Strength balance",
            what_it_means=(
                "Your glutes (gluteus maximus and medius, at the back and side of the hip) and "
                "the TFL (at the front and side) all attach to the IT band. When the glutes "
                "are weak or tire early, the TFL takes over, pulls the band forward and "
                "irritates the outside of the knee, and the pelvis is less steady on each "
                "stride. Foam rolling doesn't change that balance, which is why it gave little "
                "relief; targeted strength work does."
            ),
            try_meanwhile=(
                "Side-lying leg raises with your back and heels against a wall, 2 to 3 sets of "
                "10 to 15, keeping the heel on the wall so the glutes do the work.",
                "Glute bridges on both legs, 2 to 3 sets of 10 to 15, squeezing your buttocks "
                "at the top.",
                "Keep these at 3 out of 10 pain or less; they should tire the muscle, not hurt "
                "the knee.",
            ),
        ),
        "pelvic_position": DriverEducation(
            key="pelvic_position",
            title="Pelvic position",
            what_it_means=(
                "How your pelvis and rib cage stack matters. Many runners stand and run with "
                "the pelvis tipped forward (anterior tilt) and the lower ribs flared, which "
                "changes how the glutes and TFL work and can add tension on the IT band, so "
                "even normal running hurts. Foam rolling the band doesn't change posture; "
                "practising how you hold your pelvis and ribs does. Home checks of posture are "
                "rough, so your clinician will look properly."
            ),
            try_meanwhile=(
                "Practise stacking: stand tall, breathe out fully and let your lower ribs sink "
                "over your pelvis. Five slow breaths like this, a few times a day.",
                "Dead bug: on your back, knees and hips bent at right angles, low back gently "
                "on the floor; slowly lower the opposite arm and leg, 2 sets of 6 each side.",
            ),
        ),
        "movement_technique": DriverEducation(
            key="movement_technique",
            title="Movement and running technique",
            what_it_means=(
                "How you move, in a squat, a lunge or a run, decides where the load goes. A "
                "knee that dives in, a hip that drops, feet that land across the midline, "
                "overstriding or few steps per minute all add strain on the IT band on every "
                "stride, and leaning on the quads makes it worse. Foam rolling can't change a "
                "movement pattern; practice can, and a gait analysis by a physical therapist "
                "shows exactly what to change."
            ),
            try_meanwhile=(
                "Step-downs from a low step in front of a mirror, keeping the knee over your "
                "second toe and the hips level: 2 sets of 8 to 10.",
                "On easy runs, try a step rate about 5% higher than usual with slightly "
                "shorter steps; a metronome app helps.",
                "Run as if each foot follows its own line under its hip, not a single line.",
            ),
        ),
        "training_load": DriverEducation(
            key="training_load",
            title="Training load",
            what_it_means=(
                "Training load is how much, how fast and where you run. A sudden jump in "
                "distance, more downhill, sloping roads or worn shoes rarely cause IT band pain "
                "on their own, but they are the most common trigger: the muscles around the "
                "band need time to adapt to new load. Foam rolling doesn't speed that up; a "
                "gradual build does."
            ),
            try_meanwhile=(
                "Cut back to a distance you can run without the pain starting, then build by "
                "no more than about 10% a week.",
                "Choose flat routes for now; on a track or a sloping road, switch direction or "
                "side regularly.",
                "If your shoes have more than about 500 miles (800 km) on them, consider a new "
                "pair.",
            ),
        ),
    }
)


def education_for(key: str) -> DriverEducation:
    """The education for a driver or for training load; ``KeyError`` if unknown."""
    return DRIVER_EDUCATION[key]

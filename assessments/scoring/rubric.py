"""Scoring rubric v1, its words and numbers (SCORING.md): the drivers, the thresholds, the
safety flags and what each means for the runner, and the sentence behind every point."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

# -- drivers -----------------------------------------------------------------------------------

DRIVERS = ("hip_mobility", "strength_balance", "pelvic_position", "movement_technique")
CONTRIBUTING = "training_load"
FACTORS = (*DRIVERS, CONTRIBUTING)

DRIVER_LABELS: Mapping[str, str] = {
    "hip_mobility": "Hip mobility",
    "strength_balance": "Strength balance",
    "pelvic_position": "Pelvic position",
    "movement_technique": "Movement and running technique",
    "training_load": "Training load",
}

# Six points is a strong picture for any driver, so drivers with more questions are not favoured.
MAX_DRIVER_POINTS = 6
SCORE_SCALE = 100
CLEAR_DRIVER_MIN_SCORE = 40
CO_PRIMARY_MAX_GAP = 10
TRAINING_TRIGGER_MIN_SCORE = 40
WELL_JUDGED_MIN_CONFIDENCE = 0.5

# -- computed items: thresholds that are numbers, not options -----------------------------------

SIDE_PLANK_QUESTION = "side_plank"
SIDE_PLANK_HELD = "held"
SIDE_PLANK_LEFT_QUESTION = "side_plank_left"
SIDE_PLANK_RIGHT_QUESTION = "side_plank_right"
# (minimum seconds on the weaker side, points): the first band reached applies.
SIDE_PLANK_BANDS = ((60, 0), (45, 1), (30, 2))
SIDE_PLANK_BELOW_BANDS_POINTS = 3
SIDE_PLANK_DIFFERENCE_SECONDS = 10
SIDE_PLANK_DIFFERENCE_POINTS = 1

CADENCE_KNOWN_QUESTION = "cadence_known"
CADENCE_KNOWN = "yes"
CADENCE_QUESTION = "cadence"
# (minimum steps per minute, points): the first band reached applies.
CADENCE_BANDS = ((170, 0), (160, 1))
CADENCE_BELOW_BANDS_POINTS = 2

# Questions scored by code above; each counts as one item of its driver.
COMPUTED_ITEMS: Mapping[str, str] = {
    SIDE_PLANK_QUESTION: "strength_balance",
    CADENCE_KNOWN_QUESTION: "movement_technique",
}

# -- ITB-pattern likelihood ---------------------------------------------------------------------

LIKELIHOOD_CONSISTENT = "consistent"
LIKELIHOOD_POSSIBLE = "possible"
LIKELIHOOD_UNLIKELY = "unlikely"
LIKELIHOODS = (LIKELIHOOD_CONSISTENT, LIKELIHOOD_POSSIBLE, LIKELIHOOD_UNLIKELY)

PAIN_LOCATION_QUESTION = "pain_location"
PAIN_ONSET_QUESTION = "pain_onset"
PAIN_DOWNHILL_QUESTION = "pain_downhill"
OUTSIDE_KNEE = "outside_knee"
LATERAL_LOCATIONS = frozenset({OUTSIDE_KNEE, "outer_thigh_hip"})
OTHER_KNEE_LOCATIONS = frozenset({"front_knee", "inside_knee", "back_knee"})
ONSET_PREDICTABLE = "into_run"
ONSET_UNRELATED = "unrelated"
WORSE_DOWNHILL = "yes"

# -- safety flags -------------------------------------------------------------------------------

LEVEL_EMERGENCY = "emergency"
LEVEL_URGENT = "urgent"
LEVEL_SOFT = "soft"
FLAG_LEVELS = (LEVEL_EMERGENCY, LEVEL_URGENT, LEVEL_SOFT)
BOOKING_BLOCKING_LEVELS = frozenset({LEVEL_EMERGENCY, LEVEL_URGENT})

# Multiple-choice questions whose options are flag codes ("None of these" is not a code).
FLAG_QUESTIONS = ("safety_emergency", "injury_signs", "safety_urgent", "safety_soft")
BONE_STRESS_QUESTION = "bone_stress"
# Rubric v2 (SCORING.md): only a focal-bone sign raises the bone-stress flag; a training jump
# or low energy intake is named in its advice, never a flag alone (a jump alone is load).
BONE_FOCAL_SIGNS = frozenset({"bone_pain_one_spot", "hop_pain"})
BONE_TRAINING_JUMP = "after_training_jump"
BONE_LOW_ENERGY = "low_energy"
# Night or constant pain with unexplained weight loss, or either with a history of cancer:
# still soft, but with a time frame (rubric v2).
NIGHT_PAIN = "night_or_constant_pain"
WEIGHT_LOSS = "weight_loss"
CANCER_HISTORY = "cancer_history"
DOCTOR_THIS_WEEK = "doctor_this_week"
NONE_OF_THESE = "none"
AGE_QUESTION = "age_band"
AGE_UNDER_18 = "under_18"
AGE_OTTAWA = "55_plus"
INJURY_QUESTION = "injury"
INJURED = "yes"

APPOINTMENT_GAIT = "initial-evaluation-gait"
APPOINTMENT_STANDARD = "initial-evaluation"

RESULT_SCHEMA = 1

_ED_NOW = "Go to the nearest emergency department now. Don't wait for a physical therapy visit."
_URGENT_TODAY = (
    "See a doctor or an urgent care center today; don't run until you've been checked. If you "
    "are not sure where to go, call the clinic."
)
_SOFT_REVIEW = (
    "You can book. A clinician will review your answers before your visit; please also tell "
    "your doctor about this."
)


@dataclass(frozen=True)
class FlagRule:
    """What a flag code means for the runner: its level, title and where to go."""

    level: str
    title: str
    advice: str


# Ordered by level, then by how the runner meets them on the safety page.
FLAG_RULES: Mapping[str, FlagRule] = {
    "calf_clot": FlagRule(
        LEVEL_EMERGENCY,
        "Possible blood clot in the leg",
        _ED_NOW + " If you also have chest pain or shortness of breath, call 911.",
    ),
    "chest_breathless": FlagRule(
        LEVEL_EMERGENCY, "Chest pain or shortness of breath", "Call 911 now."
    ),
    "joint_infection": FlagRule(LEVEL_EMERGENCY, "Possible joint infection", _ED_NOW),
    "cold_foot": FlagRule(LEVEL_EMERGENCY, "Possible problem with blood flow to the foot", _ED_NOW),
    "saddle_numbness": FlagRule(
        LEVEL_EMERGENCY, "Possible pressure on the nerves at the base of the spine", _ED_NOW
    ),
    "cannot_bear_weight": FlagRule(
        LEVEL_URGENT,
        "Can't take four steps after an injury",
        _URGENT_TODAY + " An X-ray may be needed.",
    ),
    "cannot_bend_90": FlagRule(
        LEVEL_URGENT,
        "Can't bend the knee to 90\u00b0 after an injury",
        _URGENT_TODAY + " An X-ray may be needed.",
    ),
    "ottawa_age": FlagRule(
        LEVEL_URGENT,
        "Knee injury at age 55 or older",
        _URGENT_TODAY + " An X-ray may be needed.",
    ),
    "swelling_2h": FlagRule(
        LEVEL_URGENT,
        "Swelling within 2 hours of an injury",
        _URGENT_TODAY + " Fast swelling can mean bleeding inside the joint.",
    ),
    "knee_locked": FlagRule(
        LEVEL_URGENT,
        "Locked knee",
        _URGENT_TODAY + " A knee that won't straighten may have cartilage caught in the joint.",
    ),
    "new_numbness": FlagRule(
        LEVEL_URGENT,
        "New numbness, tingling or weakness in the leg",
        _URGENT_TODAY + " A nerve may need checking.",
    ),
    DOCTOR_THIS_WEEK: FlagRule(
        LEVEL_SOFT,
        "Please see your doctor this week",
        "Together, the signs listed below need a check by your doctor this week, whatever is "
        "behind your running pain. You can still book with us; a clinician will review your "
        "answers before your visit.",
    ),
    "night_or_constant_pain": FlagRule(LEVEL_SOFT, "Pain at night or constant pain", _SOFT_REVIEW),
    "weight_loss": FlagRule(LEVEL_SOFT, "Unexplained weight loss", _SOFT_REVIEW),
    "cancer_history": FlagRule(LEVEL_SOFT, "History of cancer", _SOFT_REVIEW),
    "giving_way": FlagRule(LEVEL_SOFT, "Knee giving way", _SOFT_REVIEW),
    "bone_stress": FlagRule(
        LEVEL_SOFT,
        "Possible bone stress injury",
        "Pain in one spot on a bone, or pain when hopping, can be a sign of a bone stress "
        "injury. Please stop running until you've been seen: a bone stress injury gets worse "
        "with more running. " + _SOFT_REVIEW,
    ),
    "under_18": FlagRule(
        LEVEL_SOFT,
        "Under 18",
        "You can book with a parent or guardian, who gives their name, contact details and "
        "consent when you book. A clinician will review your answers before the visit.",
    ),
}


# Said in the bone-stress advice when the runner reported them (they never raise the flag alone).
BONE_STRESS_EXTRAS: Mapping[str, str] = {
    BONE_TRAINING_JUMP: "The pain began soon after a big jump in training, which makes a bone "
    "stress injury more likely.",
    BONE_LOW_ENERGY: "You mentioned missed or irregular periods, or eating less than your "
    "training needs: please tell your doctor and your clinician, because low energy intake "
    "weakens bone.",
}

# The emergency and urgent signs as one list in the runner's words, each a FLAG_RULES code:
# the question the cold booking page asks before showing times (and version 2's safety check).
RED_FLAG_SIGNS: tuple[tuple[str, str], ...] = (
    ("calf_clot", "Pain, swelling or warmth in the calf"),
    ("chest_breathless", "Chest pain or shortness of breath"),
    ("joint_infection", "A hot, swollen knee with a fever or feeling unwell"),
    ("cold_foot", "A foot that is cold, pale or numb"),
    (
        "saddle_numbness",
        "Numbness between the legs or around the bottom, or new problems controlling your "
        "bladder or bowels",
    ),
    ("cannot_bear_weight", "After a fall, twist or knock: you can't take four steps on that leg"),
    ("cannot_bend_90", "After an injury: you can't bend the knee to a right angle (90\u00b0)"),
    ("swelling_2h", "The knee swelled up within 2 hours of an injury"),
    ("ottawa_age", "A recent knee injury, and you are 55 or older"),
    ("knee_locked", "The knee is locked: stuck, and it won't straighten"),
    ("new_numbness", "New numbness, tingling or weakness in the leg"),
)


# -- reasons ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReasonText:
    """One finding in plain words: ``itb`` when the IT band pattern fits, ``general`` if not."""

    itb: str
    general: str


def _both(finding: str, itb_link: str, general_link: str) -> ReasonText:
    return ReasonText(f"{finding} {itb_link}", f"{finding} {general_link}")


# Keyed by (linkId, option value, driver).
OPTION_REASONS: Mapping[tuple[str, str, str], ReasonText] = {
    ("distance_change", "up_over_30", "training_load"): _both(
        "Your weekly distance went up by more than 30% in the last 4 weeks.",
        "A sudden jump in running is the most common trigger of IT band pain: the muscles "
        "around the band need time to adapt.",
        "A sudden jump in running is a common trigger of knee and hip pain: muscles, tendons "
        "and bones need time to adapt.",
    ),
    ("distance_change", "up_10_to_30", "training_load"): _both(
        "Your weekly distance went up by 10 to 30% in the last 4 weeks.",
        "That adds load the muscles around the IT band have to adapt to.",
        "That adds load your knees and hips have to adapt to.",
    ),
    ("terrain", "more_downhill", "training_load"): _both(
        "You have been running more downhill.",
        "Downhill running keeps the knee in the slightly bent position where the IT band is "
        "most easily irritated.",
        "Downhill running loads the front of the thigh and the knee more than flat running.",
    ),
    ("terrain", "camber_or_track", "training_load"): _both(
        "You often run on a road sloping to one side, or around a track in one direction.",
        "That tilts the pelvis the same way on every stride and loads one IT band more.",
        "That tilts the pelvis the same way on every stride and loads one leg more.",
    ),
    ("shoes_mileage", "over_500_mi", "training_load"): _both(
        "Your shoes have more than about 500 miles (800 km) on them.",
        "Worn shoes absorb less shock, so more load reaches the hip muscles and the IT band.",
        "Worn shoes absorb less shock, so more load reaches your knees and hips.",
    ),
    ("thomas_test", "thigh_lifts", "hip_mobility"): _both(
        "In the Thomas test your thigh lifted off the bed, a sign of tight muscles at the front "
        "of the hip.",
        "A stiff front of the hip makes the TFL work harder and pull on the IT band on every "
        "stride.",
        "A stiff front of the hip changes how the hip and knee share the load on every stride.",
    ),
    ("thomas_test", "thigh_drifts_out", "hip_mobility"): _both(
        "In the Thomas test your thigh drifted outward.",
        "That is a sign that the TFL, the muscle at the top of the IT band, is tight and keeps "
        "the band under tension.",
        "That is a sign of tight muscles at the side of the hip, which changes how the knee is "
        "loaded.",
    ),
    ("thomas_test", "knee_straightens", "hip_mobility"): _both(
        "In the Thomas test your knee straightened, a sign of a tight front-of-thigh muscle.",
        "Runners who lean on their quads tend to load the outside of the knee and the IT band "
        "more.",
        "A tight front of the thigh adds pressure at the front of the knee.",
    ),
    ("hip_rotation", "less_painful_side", "hip_mobility"): _both(
        "Your painful hip turns clearly less than the other one.",
        "When the hip joint doesn't move well, the muscles around it, including the TFL, make "
        "up for it and add tension to the IT band.",
        "When the hip joint doesn't move well, the knee has to take more of the load.",
    ),
    ("deep_squat", "heels_or_pinch", "hip_mobility"): _both(
        "In the deep squat your heels lifted or the front of your hip pinched before parallel.",
        "Stiff hips or ankles push the work onto the muscles that pull on the IT band.",
        "Stiff hips or ankles make the knee work harder.",
    ),
    ("sitting_hours", "6_or_more", "hip_mobility"): _both(
        "You sit for 6 hours or more on most days.",
        "Long sitting keeps the front of the hip shortened, which stiffens the hip and adds "
        "tension to the TFL and IT band.",
        "Long sitting keeps the front of the hip shortened, which can stiffen the hip.",
    ),
    ("side_plank", "could_not_hold", "strength_balance"): _both(
        "You couldn't hold a side plank.",
        "When the side-hip muscles tire quickly, the TFL takes over and pulls on the IT band.",
        "Weak side-hip muscles let the hip and knee drift out of line as you tire on a run.",
    ),
    ("single_leg_stance", "opposite_hip_drops", "strength_balance"): _both(
        "Standing on the painful leg, your opposite hip dropped.",
        "Your gluteus medius isn't holding the pelvis level, so the TFL and IT band do more of "
        "the work on every stride.",
        "The side-hip muscles aren't holding the pelvis level, which loads the knee and hip "
        "unevenly on every stride.",
    ),
    ("side_lying_leg_raise", "tfl_takes_over", "strength_balance"): _both(
        "In the side-lying leg raise the front of your hip cramped or your leg drifted forward.",
        "That means the TFL is doing the glutes' job and pulling the IT band forward.",
        "That means a muscle at the front of the hip is doing the glutes' job.",
    ),
    ("strength_training", "never", "strength_balance"): _both(
        "You rarely do strength training.",
        "Strong glutes balance the TFL and steady the pelvis, which protects the IT band.",
        "Strong hip and thigh muscles protect the knees and hips from running load.",
    ),
    ("strength_training", "once_a_week", "strength_balance"): _both(
        "You do strength training about once a week.",
        "Twice a week builds the glute strength that protects the IT band faster.",
        "Twice a week builds the hip strength that protects the knees faster.",
    ),
    ("single_leg_squat", "hip_drops", "strength_balance"): _both(
        "In the single-leg squat your opposite hip dropped.",
        "The side-hip muscles can't hold the pelvis level under load, which leaves the TFL to "
        "pull on the IT band.",
        "The side-hip muscles can't hold the pelvis level under load.",
    ),
    ("single_leg_squat", "knee_dives_in", "movement_technique"): _both(
        "In the single-leg squat your knee dived inward.",
        "Collapsing through the hip and knee twists the leg and strains the IT band, and it "
        "tends to happen on every stride.",
        "Collapsing through the hip and knee twists the leg and strains the knee.",
    ),
    ("single_leg_squat", "hip_drops", "movement_technique"): _both(
        "In the single-leg squat your opposite hip dropped.",
        "Collapsing through the hips puts extra strain on the IT band on every stride.",
        "Collapsing through the hips puts extra strain on the knee and hip on every stride.",
    ),
    ("single_leg_squat", "trunk_leans", "movement_technique"): _both(
        "In the single-leg squat your body leaned to the side.",
        "That is a way of making up for tired hip muscles that shifts load onto the outside of "
        "the leg and the IT band.",
        "That is a way of making up for tired hip muscles that shifts load onto the knee.",
    ),
    ("crossover", "yes_video", "movement_technique"): _both(
        "On video, your feet land close to or across the midline.",
        "This narrow step angles the thigh inward and pulls the IT band tight over the outside "
        "of the knee.",
        "This narrow step angles the thigh inward and adds load on the knee and hip.",
    ),
    ("crossover", "yes_told", "movement_technique"): _both(
        "You've been told your feet land close to or across the midline.",
        "This narrow step angles the thigh inward and pulls the IT band tight over the outside "
        "of the knee.",
        "This narrow step angles the thigh inward and adds load on the knee and hip.",
    ),
    ("overstriding", "yes_video", "movement_technique"): _both(
        "On video, you overstride or land heavily on your heel.",
        "Landing with the foot far ahead of the body raises the braking force that the hip "
        "muscles and IT band have to absorb.",
        "Landing with the foot far ahead of the body raises the braking force on the knee.",
    ),
    ("overstriding", "yes_told", "movement_technique"): _both(
        "You've been told you overstride or land heavily on your heel.",
        "Landing with the foot far ahead of the body raises the braking force that the hip "
        "muscles and IT band have to absorb.",
        "Landing with the foot far ahead of the body raises the braking force on the knee.",
    ),
    ("standing_posture", "tips_forward", "pelvic_position"): _both(
        "Standing, your belt line tips forward with a large arch in the low back.",
        "A pelvis tipped forward changes how the glutes and TFL work and can add tension on "
        "the IT band.",
        "A pelvis tipped forward changes how the hip muscles share the load.",
    ),
    ("wall_test", "more_than_flat_hand", "pelvic_position"): _both(
        "In the wall test more than a flat hand fit behind your low back.",
        "That is another sign of a pelvis tipped forward, which can add IT band tension.",
        "That is another sign of a pelvis tipped forward, which changes how the hips carry load.",
    ),
    ("rib_flare", "yes", "pelvic_position"): _both(
        "Your lower ribs flare forward, so the rib cage isn't stacked over the pelvis.",
        "That often goes with a pelvis tipped forward and extra tension on the IT band.",
        "That often goes with a pelvis tipped forward and changes how the hip muscles work.",
    ),
    ("low_back_after_runs", "yes", "pelvic_position"): _both(
        "Your low back is tight or sore after runs.",
        "That often goes with an arched back and a pelvis tipped forward, which changes how the "
        "glutes and TFL act on the IT band.",
        "That often goes with an arched back and a pelvis tipped forward, which changes how the "
        "hip muscles work.",
    ),
}

SIDE_PLANK_BAND_REASON = _both(
    "Your weaker side held a side plank for {seconds} seconds; healthy adults commonly hold "
    "about a minute.",
    "When the side-hip muscles tire, the TFL takes over and pulls on the IT band.",
    "When the side-hip muscles tire, the hip and knee drift out of line late in a run.",
)
SIDE_PLANK_DIFFERENCE_REASON = _both(
    "Your side plank was {difference} seconds shorter on one side than the other.",
    "One hip tires first, and the IT band on that side takes more strain.",
    "One hip tires first, and that leg takes more strain.",
)
CADENCE_REASON = _both(
    "Your cadence is {cadence} steps per minute.",
    "A low step rate means longer, heavier strides; raising it by 5 to 10% lowers the load on "
    "the hip and knee, including the IT band.",
    "A low step rate means longer, heavier strides; raising it by 5 to 10% lowers the load on "
    "the hip and knee.",
)

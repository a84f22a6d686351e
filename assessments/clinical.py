"""In-clinic confirmatory tests suggested for the top drivers (content for clinicians)."""

CONFIRMATORY_TESTS: dict[str, tuple[str, ...]] = {
    "itb_pattern": (
        "Noble compression test (pain over the lateral femoral epicondyle near 30° flexion)",
        "Ober test / modified Ober for ITB-TFL length",
        "Palpation 2–3 cm above the lateral joint line",
    ),
    "hip_mobility": (
        "Modified Thomas test (hip flexor, rectus femoris and TFL length)",
        "Hip internal/external rotation range, side to side",
        "Deep squat and FABER screen",
    ),
    "strength_balance": (
        "Hip abductor strength with a handheld dynamometer, side to side",
        "Side-plank endurance and Trendelenburg in single-leg stance",
        "Side-lying abduction for TFL substitution (hip flexion / internal rotation)",
    ),
    "pelvic_position": (
        "Standing pelvic tilt and rib-cage position",
        "Lumbar extension bias and breathing pattern",
    ),
    "movement_technique": (
        "Single-leg squat and step-down: knee valgus, pelvic drop, trunk lean",
        "Video gait analysis: cadence, step width (crossover), overstride, hip adduction",
    ),
    "training_load": (
        "Training log review: weekly volume change, downhill and camber exposure, shoe mileage",
    ),
}


GROUP_TITLES: dict[str, str] = {
    "itb_pattern": "IT band pattern",
    "hip_mobility": "Hip mobility",
    "strength_balance": "Strength balance",
    "pelvic_position": "Pelvic position",
    "movement_technique": "Movement and running technique",
    "training_load": "Training load",
}


def suggested_tests(primary: list[str], itb_likelihood: str) -> list[tuple[str, tuple[str, ...]]]:
    """(group title, tests) for the ITB pattern (unless unlikely) and each primary driver."""
    keys = ([] if itb_likelihood == "unlikely" else ["itb_pattern"]) + list(primary)
    return [
        (GROUP_TITLES[key], CONFIRMATORY_TESTS[key]) for key in keys if key in CONFIRMATORY_TESTS
    ]


# -- flags, in the clinician's words --------------------------------------------------------------

# What a flag asks the clinician to do (the runner reads FLAG_RULES' advice instead). One entry
# per FLAG_RULES code (a unit test checks); the level and the code come from the stored flag.
STAFF_FLAG_ACTIONS: dict[str, str] = {
    "calf_clot": "Possible DVT. Phone the runner today: confirm they went to the emergency "
    "department; if chest pain or breathlessness, 911. No visit until cleared by a doctor.",
    "chest_breathless": "Possible PE or cardiac event. Phone now: confirm 911 or emergency care "
    "was sought. No visit until cleared by a doctor.",
    "joint_infection": "Possible septic joint. Phone today: confirm they went to the emergency "
    "department. No visit until cleared by a doctor.",
    "cold_foot": "Possible arterial compromise. Phone today: confirm emergency care. No visit "
    "until cleared by a doctor.",
    "saddle_numbness": "Possible cauda equina. Phone now: confirm emergency care. No visit until "
    "cleared by a doctor.",
    "cannot_bear_weight": "Ottawa knee rule positive (can't weight-bear 4 steps). Phone today: "
    "X-ray before any visit; clear the flag once imaging is back.",
    "cannot_bend_90": "Ottawa knee rule positive (flexion < 90°). Phone today: X-ray before any "
    "visit; clear the flag once imaging is back.",
    "ottawa_age": "Ottawa knee rule positive (injury, 55+). Phone today: X-ray before any visit; "
    "clear the flag once imaging is back.",
    "swelling_2h": "Rapid effusion after injury: possible haemarthrosis (ACL, fracture). Phone "
    "today: same-day medical assessment before any visit.",
    "knee_locked": "True locking: possible displaced meniscal tear or loose body. Phone today: "
    "same-day medical assessment before any visit.",
    "new_numbness": "New neurological signs in the leg. Phone today: medical assessment before "
    "any visit; screen the lumbar spine.",
    "doctor_this_week": "Combination of systemic signs: confirm the runner has a GP appointment "
    "this week; screen for non-musculoskeletal causes at the visit.",
    "night_or_constant_pain": "Night or constant pain: screen for non-mechanical causes; ask "
    "whether the GP knows.",
    "weight_loss": "Unexplained weight loss: screen for systemic causes; ask whether the GP knows.",
    "cancer_history": "History of cancer: screen for metastatic bone pain; ask about current "
    "follow-up.",
    "giving_way": "Test ligament stability and the patellofemoral joint.",
    "bone_stress": "Possible bone stress injury: palpate, hop test; advise no running until "
    "assessed; consider imaging and RED-S screening.",
    "under_18": "Minor: a parent or guardian's consent is needed before the visit.",
}

# Facts about the runner, shown as information next to age, never as a red flag.
INFO_FLAG_CODES = frozenset({"under_18"})

# Badge per level on staff pages: emergency red, urgent strong orange with dark text, soft
# neutral (never cyan). The classes are in static/css/site.css ("flag badges").
FLAG_LEVEL_BADGES: dict[str, tuple[str, str]] = {
    "emergency": ("badge flag-badge flag-emergency", "Emergency"),
    "urgent": ("badge flag-badge flag-urgent", "Urgent"),
    "soft": ("badge flag-badge flag-soft", "Review flag"),
}


def staff_flag_action(code: str, advice: str) -> str:
    """What the clinician should do about a flag (the runner's advice if the code is new)."""
    return STAFF_FLAG_ACTIONS.get(code, advice)

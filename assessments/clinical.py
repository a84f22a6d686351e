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

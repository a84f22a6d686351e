"""Demo intakes for seed_demo (filled in with the intake flow)."""


def seed_assessment_demo() -> None:
    """Deterministic demo submissions; none yet."""

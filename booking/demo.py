"""Demo clinicians, schedules and appointments for seed_demo."""


def seed_booking_demo() -> None:
    """Deterministic demo booking data; none yet."""

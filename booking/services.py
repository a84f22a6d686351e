"""Booking workflows (being built): the periodic reminder job's entry point."""


def reminders_send_due(now=None) -> int:
    """Send due appointment reminders; no appointments exist yet."""
    return 0

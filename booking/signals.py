"""Announcements other apps may listen to without booking importing them.

``appointment_booked``: sent by the public booking view after a booking succeeded, with
``appointment`` and ``outcome_checkins`` (the runner's answer to the check-ins opt-in; the
outcomes app enrols them). booking may not import outcomes, and the booking models stay
unchanged, so the answer travels here rather than on the appointment.
"""

from django.dispatch import Signal

appointment_booked = Signal()

# The check-ins opt-in is offered for an initial evaluation only (a follow-up is for patients
# already under care, who were asked at their evaluation).
OUTCOME_CHECKIN_TYPES = ("initial-evaluation", "initial-evaluation-gait")


def offers_outcome_checkins(appointment_type) -> bool:
    return appointment_type is not None and appointment_type.slug in OUTCOME_CHECKIN_TYPES

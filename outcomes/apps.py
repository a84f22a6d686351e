from django.apps import AppConfig


class OutcomesConfig(AppConfig):
    name = "outcomes"
    verbose_name = "Outcome check-ins"

    def ready(self) -> None:
        # booking may not import outcomes (tests/unit/test_architecture.py), so the public
        # booking view announces a booking on booking.signals.appointment_booked and this app
        # listens; the one place in the project where a signal carries our own logic.
        from booking.signals import appointment_booked

        from .services import on_appointment_booked

        appointment_booked.connect(on_appointment_booked, dispatch_uid="outcomes-enrol")

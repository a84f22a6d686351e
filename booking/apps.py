from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = "Appointments"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import models
        from .schedule_cache import on_schedule_write

        # Every model the picker and the slot engine read (a clinician's user account too:
        # an inactive account takes its clinician off the schedule).
        for model in (
            models.Location,
            models.Clinician,
            models.AppointmentType,
            models.WeeklyAvailability,
            models.TimeOff,
            models.Closure,
            models.Appointment,
            get_user_model(),
        ):
            uid = f"schedule-cache-{model._meta.label_lower}"
            post_save.connect(on_schedule_write, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(on_schedule_write, sender=model, dispatch_uid=f"{uid}-delete")
        m2m_changed.connect(
            on_schedule_write,
            sender=models.Clinician.locations.through,
            dispatch_uid="schedule-cache-clinician-locations",
        )

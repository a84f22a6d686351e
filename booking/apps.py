from django.apps import AppConfig


class BookingConfig(AppConfig):
    name = "booking"
    verbose_name = "Appointments"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import m2m_changed, post_delete, post_save

        from . import models
        from .schedule_cache import (
            on_records_delete,
            on_records_write,
            on_schedule_write,
            on_user_write,
        )

        # Every model the picker and the slot engine read.
        for model in (
            models.Location,
            models.Clinician,
            models.AppointmentType,
            models.WeeklyAvailability,
            models.TimeOff,
            models.Closure,
            models.Appointment,
            models.WaitlistOffer,  # a held time is busy (booking.waitlist)
        ):
            uid = f"schedule-cache-{model._meta.label_lower}"
            post_save.connect(on_schedule_write, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(on_schedule_write, sender=model, dispatch_uid=f"{uid}-delete")
        # A clinician's user account too: an inactive account takes them off the schedule.
        user = get_user_model()
        post_save.connect(on_user_write, sender=user, dispatch_uid="schedule-cache-user-save")
        post_delete.connect(
            on_schedule_write, sender=user, dispatch_uid="schedule-cache-user-delete"
        )
        m2m_changed.connect(
            on_schedule_write,
            sender=models.Clinician.locations.through,
            dispatch_uid="schedule-cache-clinician-locations",
        )
        # The records staff pages show beside the schedule (staff_copy): names, intake states,
        # red flags.
        from assessments.models import Submission

        for model in (models.Patient, Submission):
            uid = f"records-cache-{model._meta.label_lower}"
            post_save.connect(on_records_write, sender=model, dispatch_uid=f"{uid}-save")
            post_delete.connect(on_records_delete, sender=model, dispatch_uid=f"{uid}-delete")

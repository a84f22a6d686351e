"""Thin Celery tasks: they call services, which hold the logic."""

from celery import shared_task

from .services import reminders_send_due


@shared_task(name="booking.tasks.send_due_reminders", ignore_result=True)
def send_due_reminders() -> int:
    return reminders_send_due()

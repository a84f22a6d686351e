"""Thin Celery tasks: they call services, which hold the logic."""

from celery import shared_task

from .services import checkins_send_due


@shared_task(name="outcomes.tasks.send_due_checkins", ignore_result=True)
def send_due_checkins() -> int:
    return checkins_send_due()

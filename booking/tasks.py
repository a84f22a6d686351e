"""Thin Celery tasks: they call services, which hold the logic."""

from celery import shared_task

from .followups import runner_reminders_send_due
from .services import reminders_send_due, submissions_move_past_visits
from .waitlist import waitlist_sweep


@shared_task(name="booking.tasks.send_due_reminders", ignore_result=True)
def send_due_reminders() -> int:
    return reminders_send_due()


@shared_task(name="booking.tasks.move_past_visits", ignore_result=True)
def move_past_visits() -> int:
    return submissions_move_past_visits()


@shared_task(name="booking.tasks.send_runner_reminders", ignore_result=True)
def send_runner_reminders() -> int:
    return runner_reminders_send_due()


@shared_task(name="booking.tasks.sweep_waitlist", ignore_result=True)
def sweep_waitlist() -> int:
    return waitlist_sweep().offered

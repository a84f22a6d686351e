"""Thin Celery tasks: they call services, which hold the logic."""

from celery import shared_task

from .outbox import outbox_relay


@shared_task(name="itband.tasks.relay_outbox", ignore_result=True)
def relay_outbox() -> dict:
    stats = outbox_relay()
    return {"sent": stats.sent, "retried": stats.retried, "failed": stats.failed}

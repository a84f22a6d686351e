from celery import shared_task

from .services import drafts_purge_expired


@shared_task(name="assessments.tasks.purge_expired_drafts", ignore_result=True)
def purge_expired_drafts() -> int:
    return drafts_purge_expired()

from celery import shared_task

from .services import drafts_purge_expired, submissions_move_past_visits


@shared_task(name="assessments.tasks.purge_expired_drafts", ignore_result=True)
def purge_expired_drafts() -> int:
    return drafts_purge_expired()


@shared_task(name="assessments.tasks.move_past_visits", ignore_result=True)
def move_past_visits() -> int:
    return submissions_move_past_visits()

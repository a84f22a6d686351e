"""The periodic jobs are listed once (settings.PERIODIC_JOBS): Celery beat and run_background
run the same jobs, and each beat task is a registered Celery task."""

from django.conf import settings

from itband.celery import app
from itband.periodic import periodic_jobs


def test_beat_and_run_background_run_the_same_jobs():
    assert set(settings.CELERY_BEAT_SCHEDULE) == set(periodic_jobs()) == set(settings.PERIODIC_JOBS)
    for name, job in settings.PERIODIC_JOBS.items():
        assert settings.CELERY_BEAT_SCHEDULE[name] == {
            "task": job["task"],
            "schedule": job["every"],
        }
        assert callable(periodic_jobs()[name])


def test_every_beat_task_is_registered():
    import assessments.tasks  # noqa: F401 - the worker imports each app's tasks module
    import booking.tasks  # noqa: F401
    import itband.tasks  # noqa: F401
    import outcomes.tasks  # noqa: F401

    for job in settings.PERIODIC_JOBS.values():
        assert job["task"] in app.tasks, job["task"]

"""The periodic jobs, for the embedded default's loop (production uses Celery beat).

Each entry names a service by dotted path so that this project package needs no import of
the domain apps; settings.PERIODIC_JOBS also names the Celery task of each (beat's schedule).
"""

import logging
import time
from collections.abc import Callable

from django.conf import settings
from django.db import close_old_connections
from django.utils.module_loading import import_string

logger = logging.getLogger(__name__)


def periodic_jobs() -> dict[str, Callable[[], object]]:
    return {name: import_string(job["service"]) for name, job in settings.PERIODIC_JOBS.items()}


def run_once(jobs: dict[str, Callable[[], object]]) -> dict[str, object]:
    """Run every job once; one job's failure is logged and never stops the others."""
    results: dict[str, object] = {}
    for name, job in jobs.items():
        close_old_connections()
        try:
            results[name] = job()
        except Exception:  # keep the loop alive through a DB blip
            logger.exception("periodic job %s failed", name)
            results[name] = None
    return results


def run_forever(interval: float, *, stop: Callable[[], bool] = lambda: False) -> None:
    jobs = periodic_jobs()
    while not stop():
        run_once(jobs)
        time.sleep(interval)

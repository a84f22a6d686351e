"""The embedded default's stand-in for Celery beat + worker: run the periodic jobs in a loop."""

import contextlib

from django.core.management.base import BaseCommand

from itband.periodic import periodic_jobs, run_forever, run_once


class Command(BaseCommand):
    help = "Run the periodic jobs (outbox relay, reminders, draft clean-up) every few seconds."

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=5.0)
        parser.add_argument("--once", action="store_true", help="Run each job once and exit.")

    def handle(self, *args, interval: float, once: bool, **options):
        if once:
            run_once(periodic_jobs())
            return
        self.stdout.write(f"Background jobs every {interval:g} s: {', '.join(periodic_jobs())}")
        with contextlib.suppress(KeyboardInterrupt):
            run_forever(interval)

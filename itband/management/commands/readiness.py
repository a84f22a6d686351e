"""`manage.py readiness`: what /readyz says, for monitoring from the host (cron, a probe)."""

from django.core.management.base import BaseCommand

from itband.middleware import DATABASE_DOWN_ERRORS
from itband.readiness import readiness

EXIT_DEGRADED = 1
EXIT_UNAVAILABLE = 2


class Command(BaseCommand):
    help = (
        "Print the site's readiness: database, broker, when the email relay last ran and how "
        "long the oldest pending email has waited. Exit status 0 ok, 1 degraded, 2 database down."
    )

    def handle(self, *args, **options):
        try:
            state = readiness(fresh_broker=True)
        except DATABASE_DOWN_ERRORS:
            self.stdout.write("status: unavailable\ndatabase: down")
            raise SystemExit(EXIT_UNAVAILABLE) from None
        self.stdout.write("\n".join(state.lines()))
        if state.status != "ok":
            raise SystemExit(EXIT_DEGRADED)

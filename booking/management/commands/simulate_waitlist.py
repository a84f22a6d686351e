"""Replay a fortnight of cancellations on the current schedule and report what the waitlist
offers and fills (booking.waitlist_simulation; nothing is kept)."""

from django.core.management.base import BaseCommand

from booking.waitlist_simulation import simulate


class Command(BaseCommand):
    help = "Simulate the waitlist over a fortnight of cancellations (rolled back afterwards)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=14)
        parser.add_argument("--seed", type=int, default=17)
        parser.add_argument("--runners", type=int, default=30)
        parser.add_argument("--cancel-rate", type=float, default=0.1)
        parser.add_argument("--claim-rate", type=float, default=0.7)

    def handle(self, *args, **options):
        report = simulate(
            days=options["days"],
            seed=options["seed"],
            runners=options["runners"],
            cancel_rate=options["cancel_rate"],
            claim_rate=options["claim_rate"],
        )
        for line in report.lines():
            self.stdout.write(line)

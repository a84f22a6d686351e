"""Deterministic demo data: the two clinics and the demo staff. Safe to run again."""

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from booking.models import Location
from itband.models import User
from itband.roles import CLINIC_LEAD, CLINICIAN, FRONT_DESK

LOCATIONS = (
    {
        "slug": "bethesda",
        "name": "Bethesda",
        "street": "4800 Demo Avenue, Suite 100",
        "city": "Bethesda",
        "region": "MD",
        "postal_code": "20814",
        "phone": "(301) 555-0142",
        "hours_summary": "Mon–Fri 7:00–19:00, Sat 8:00–12:00",
        "directions": "Garage parking under the building; validate at the front desk.",
    },
    {
        "slug": "mclean",
        "name": "McLean",
        "street": "1400 Demo Street, Suite 200",
        "city": "McLean",
        "region": "VA",
        "postal_code": "22101",
        "phone": "(703) 555-0187",
        "hours_summary": "Mon–Fri 7:00–19:00",
        "directions": "Free surface parking behind the building.",
    },
)

STAFF = (
    # username, first, last, groups, superuser
    ("frontdesk", "Fran", "Desk", (FRONT_DESK,), False),
    ("clinician", "Dana", "Cohen", (CLINICIAN, CLINIC_LEAD), False),  # the owner
    ("lead", "Lee", "Lead", (CLINIC_LEAD,), False),
    ("admin", "Avery", "Admin", (), True),
)


class Command(BaseCommand):
    help = "Load deterministic demo data (refuses to run in production)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_demo refuses to run in production (APP_ENV=production).")
        with transaction.atomic():
            self.seed_locations()
            self.seed_staff()
            self.seed_more()
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
        self.stdout.write(f"Demo staff logins (password for all: {settings.DEMO_PASSWORD}):")
        for user in User.objects.filter(is_active=True).prefetch_related("groups").order_by("pk"):
            roles = ", ".join(g.name for g in user.groups.all()) or (
                "clinic admin" if user.is_superuser else "no role"
            )
            self.stdout.write(f"  {user.username:<10} {roles}")

    def seed_locations(self) -> None:
        for values in LOCATIONS:
            Location.objects.update_or_create(
                slug=values["slug"],
                defaults={**values, "timezone": "America/New_York", "is_demo": True},
            )

    def seed_staff(self) -> None:
        for username, first, last, groups, superuser in STAFF:
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@example.com",
                    "is_staff": superuser,
                    "is_superuser": superuser,
                    "is_active": True,
                },
            )
            if not user.check_password(settings.DEMO_PASSWORD):
                user.set_password(settings.DEMO_PASSWORD)
                user.save(update_fields=["password"])
            user.groups.set(Group.objects.filter(name__in=groups))

    def seed_more(self) -> None:
        """The domain apps' demo data, built with their own services."""
        from assessments.demo import seed_assessment_demo
        from booking.demo import seed_booking_demo

        seed_assessment_demo()
        seed_booking_demo()
        # Apps built on booking (the clinic page's months of history) add their demo data
        # through their app config, so that booking never imports them.
        for config in apps.get_app_configs():
            seed = getattr(config, "seed_demo", None)
            if callable(seed):
                seed()

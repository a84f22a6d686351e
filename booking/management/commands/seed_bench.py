"""Scaled, deterministic data for `make bench`: 2 clinics, 6 clinicians with weekly hours,
2,000 booked appointments over 60 days and 5,000 submitted intakes.

Built in bulk (``bulk_create``) under the same model rules as the product: appointment end =
start + the type's duration, no clinician double-booked (the exclusion constraint would refuse
it), weekly blocks checked with ``WeeklyAvailability.clean``, intakes cleaned with the
questionnaire's ``clean_answers`` and scored with ``assessments.scoring.score`` on the demo
personas' answer sets (each persona scored once, not through HTTP). Layout and counts are the
same on every run (seeded RNG); tokens stay random, as the model makes them.

Re-runnable: it first removes what an earlier run added (keys and addresses under "bench").
Refuses to run in production.
"""

import random
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from assessments import scoring
from assessments.demo import BASE, PERSONAS
from assessments.models import Submission
from assessments.questionnaire import get_version
from booking.demo import APPOINTMENT_TYPES
from booking.management.commands.seed_demo import LOCATIONS
from booking.models import (
    Appointment,
    AppointmentType,
    Clinician,
    Location,
    Patient,
    WeeklyAvailability,
)
from booking.schedule_cache import schedule_changed
from itband.models import User
from itband.roles import CLINIC_LEAD, CLINICIAN, FRONT_DESK

DOMAIN = "bench.example.com"
KEY_PREFIX = "bench:"
DAYS = 60
APPOINTMENTS = 2000
INTAKES = 5000
PATIENTS = 1500
SEED = 20260707

# username, display name, home clinic on Mon/Wed/Fri, on Tue/Thu, Saturday morning clinic
CLINICIANS = (
    ("bench-c1", "Avery Bench, PT, DPT", "bethesda", "mclean", "bethesda"),
    ("bench-c2", "Blake Bench, PT, DPT", "bethesda", "bethesda", None),
    ("bench-c3", "Cameron Bench, PT, DPT", "bethesda", "bethesda", None),
    ("bench-c4", "Devon Bench, PT, DPT", "mclean", "bethesda", "mclean"),
    ("bench-c5", "Emerson Bench, PT, DPT", "mclean", "mclean", None),
    ("bench-c6", "Finley Bench, PT, DPT", "mclean", "mclean", None),
)
BLOCKS = ((time(7), time(12)), (time(13), time(19)))
SATURDAY = (time(8), time(12))
STAFF = (
    ("bench-desk", FRONT_DESK),
    ("bench-clinician", CLINICIAN),
    ("bench-lead", CLINIC_LEAD),  # the clinic page
)
FIRST = ("Alex", "Jamie", "Riley", "Morgan", "Casey", "Taylor", "Jordan", "Quinn", "Rowan", "Sky")
LAST = ("Nguyen", "Smith", "Garcia", "Okafor", "Kim", "Rossi", "Haddad", "Brown", "Silva", "Ito")


class Command(BaseCommand):
    help = "Load scaled benchmark data (deterministic; refuses to run in production)."

    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("seed_bench refuses to run in production (APP_ENV=production).")
        started = timezone.now()
        rng = random.Random(SEED)  # noqa: S311 - layout only, not secrets
        with transaction.atomic():
            self.remove_previous()
            locations = self.seed_locations()
            types = {t.slug: t for t in self.seed_types()}
            self.seed_staff()
            clinicians = self.seed_clinicians(locations)
            intakes = self.seed_intakes(rng, started)
            patients = self.seed_patients(rng)
            count = self.seed_appointments(rng, clinicians, locations, types, patients, intakes)
            schedule_changed()  # bulk_create sends no signals: tell running servers
        took = (timezone.now() - started).total_seconds()
        self.stdout.write(
            f"seed_bench: {len(locations)} clinics, {len(clinicians)} clinicians, {count} "
            f"appointments, {len(intakes)} intakes, {len(patients)} patients in {took:.1f} s"
        )

    def remove_previous(self) -> None:
        Appointment.objects.filter(booking_key__startswith=KEY_PREFIX).delete()
        Patient.objects.filter(email__endswith=f"@{DOMAIN}").delete()
        Submission.objects.filter(email__endswith=f"@{DOMAIN}").delete()

    def seed_locations(self) -> dict[str, Location]:
        locations = {}
        for values in LOCATIONS:
            locations[values["slug"]], _ = Location.objects.update_or_create(
                slug=values["slug"],
                defaults={**values, "timezone": "America/New_York", "is_demo": True},
            )
        return locations

    def seed_types(self) -> list[AppointmentType]:
        return [
            AppointmentType.objects.update_or_create(
                slug=values["slug"], defaults={**values, "is_active": True}
            )[0]
            for values in APPOINTMENT_TYPES
        ]

    def seed_staff(self) -> None:
        for username, role in STAFF:
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={"email": f"{username}@{DOMAIN}", "is_active": True},
            )
            # The bench signs in with a session it creates, never with a password.
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.set(Group.objects.filter(name=role))

    def seed_clinicians(self, locations: dict[str, Location]) -> list[Clinician]:
        group = Group.objects.get(name=CLINICIAN)
        clinicians = []
        for username, display, mwf, tt, saturday in CLINICIANS:
            first, last = display.split(",")[0].split()
            user, _ = User.objects.update_or_create(
                username=username,
                defaults={
                    "first_name": first,
                    "last_name": last,
                    "email": f"{username}@{DOMAIN}",
                    "is_active": True,
                },
            )
            user.set_unusable_password()
            user.save(update_fields=["password"])
            user.groups.add(group)
            clinician, _ = Clinician.objects.update_or_create(
                user=user, defaults={"display_name": display, "is_active": True}
            )
            clinician.weekly_hours.all().delete()
            blocks = [
                WeeklyAvailability(
                    clinician=clinician,
                    location=locations[mwf if weekday in (0, 2, 4) else tt],
                    weekday=weekday,
                    start=start,
                    end=end,
                )
                for weekday in range(5)
                for start, end in BLOCKS
            ]
            if saturday:
                blocks.append(
                    WeeklyAvailability(
                        clinician=clinician,
                        location=locations[saturday],
                        weekday=5,
                        start=SATURDAY[0],
                        end=SATURDAY[1],
                    )
                )
            for block in blocks:  # the model's rule: no overlapping blocks on a day
                block.clean()
            WeeklyAvailability.objects.bulk_create(blocks)
            clinician.locations.set({block.location for block in blocks})
            clinicians.append(clinician)
        return clinicians

    # The persona answers are version 1's (assessments.demo).
    def seed_intakes(self, rng: random.Random, now: datetime) -> list[Submission]:
        """Each persona's answers cleaned and scored once; 5,000 rows share those results."""
        v1 = get_version("1")  # the version the personas answered
        scored = []
        for first, _last, _handle, changes in PERSONAS:
            answers = v1.clean_answers({**BASE, **changes})
            result = scoring.score(v1, answers)
            scored.append((first, answers, result))
        progress = [step.slug for step in v1.steps]
        rows = []
        for n in range(INTAKES):
            _first, answers, result = scored[n % len(scored)]
            submitted_at = now - timedelta(minutes=rng.randrange(1, 90 * 24 * 60))
            rows.append(
                Submission(
                    questionnaire_version=v1.version,
                    status=Submission.Status.SUBMITTED,
                    answers=answers,
                    progress=progress,
                    consented_at=submitted_at - timedelta(minutes=12),
                    first_name=FIRST[n % len(FIRST)],
                    last_name=LAST[(n // len(FIRST)) % len(LAST)],
                    email=f"runner{n:05d}@{DOMAIN}",
                    phone=f"(301) 555-{n % 10000:04d}",
                    date_of_birth=date(1960 + n % 45, 1 + n % 12, 1 + n % 28),
                    result=result.as_dict(),
                    primary_driver=result.primary[0] if result.primary else "",
                    highest_flag=result.highest_flag or "",
                    flag_rank=Submission.FLAG_RANKS[result.highest_flag or ""],
                    itb_likelihood=result.itb_likelihood,
                    submitted_at=submitted_at,
                    # About one in five still awaits review.
                    reviewed_at=None if rng.random() < 0.2 else submitted_at + timedelta(days=1),
                )
            )
        return Submission.objects.bulk_create(rows, batch_size=1000)

    def seed_patients(self, rng: random.Random) -> list[Patient]:
        rows = [
            Patient(
                first_name=FIRST[n % len(FIRST)],
                last_name=LAST[(n * 7) % len(LAST)],
                email=f"patient{n:05d}@{DOMAIN}",
                phone=f"(703) 555-{n % 10000:04d}",
                date_of_birth=date(1960 + rng.randrange(45), 1 + n % 12, 1 + n % 28),
            )
            for n in range(PATIENTS)
        ]
        return Patient.objects.bulk_create(rows, batch_size=1000)

    def seed_appointments(self, rng, clinicians, locations, types, patients, intakes) -> int:
        """Fill every working block end to end with small gaps (never overlapping), then keep
        2,000 of those candidates: the same picks on every run."""
        hours = {}
        for block in WeeklyAvailability.objects.filter(clinician__in=clinicians):
            hours.setdefault((block.clinician_id, block.weekday), []).append(block)
        kinds = [types["follow-up"], types["follow-up"], types["initial-evaluation"]]
        kinds.append(types["initial-evaluation-gait"])
        today = timezone.localdate()
        first_day = today - timedelta(days=DAYS // 4)  # a quarter in the past, the rest ahead
        candidates = []
        for offset in range(DAYS):
            day = first_day + timedelta(days=offset)
            for clinician in clinicians:
                for block in hours.get((clinician.pk, day.weekday()), ()):
                    zone = locations_by_pk(locations)[block.location_id].zone
                    cursor = datetime.combine(day, block.start, tzinfo=zone)
                    stop = datetime.combine(day, block.end, tzinfo=zone)
                    while True:
                        cursor += timedelta(minutes=15 * rng.randrange(0, 2))
                        kind = rng.choice(kinds)
                        end = cursor + kind.duration
                        if end > stop:
                            break
                        candidates.append((clinician, block.location_id, kind, cursor, end))
                        cursor = end
        if len(candidates) < APPOINTMENTS:
            raise CommandError(f"only {len(candidates)} free slots for {APPOINTMENTS} visits")
        picked = sorted(rng.sample(range(len(candidates)), APPOINTMENTS))
        now = timezone.now()
        rows = []
        for n, index in enumerate(picked):
            clinician, location_id, kind, start, end = candidates[index]
            past = end <= now
            rows.append(
                Appointment(
                    patient=patients[rng.randrange(len(patients))],
                    clinician=clinician,
                    location_id=location_id,
                    appointment_type=kind,
                    start=start.astimezone(UTC),
                    end=end.astimezone(UTC),
                    status=Appointment.Status.COMPLETED if past else Appointment.Status.BOOKED,
                    # Three in four visits come with an intake (the clinician's queue joins them).
                    submission=intakes[n % len(intakes)] if n % 4 else None,
                    booking_key=f"{KEY_PREFIX}{n:05d}",
                    source=Appointment.Source.PUBLIC if n % 3 else Appointment.Source.DESK,
                )
            )
        Appointment.objects.bulk_create(rows, batch_size=1000)
        # bulk_create skips the services, so the intakes' next visits are set here in one pass.
        upcoming = (
            Appointment.objects.filter(
                submission=OuterRef("pk"),
                status__in=(Appointment.Status.BOOKED, Appointment.Status.CHECKED_IN),
            )
            .order_by("start")
            .values("start")[:1]
        )
        Submission.objects.update(next_visit_at=Subquery(upcoming))
        return len(rows)


def locations_by_pk(locations: dict[str, Location]) -> dict[int, Location]:
    return {location.pk: location for location in locations.values()}

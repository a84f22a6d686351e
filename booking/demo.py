"""Demo clinicians, schedules and appointments for seed_demo.

Deterministic and re-runnable: everything is keyed by natural keys (usernames, slugs, a
``demo:`` booking key per appointment), so a second run on the same day changes nothing.
Appointments are laid out relative to the current week and never overlap (the exclusion
constraint would refuse them on PostgreSQL).
"""

import random
from datetime import UTC, date, datetime, time, timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from itband.models import User
from itband.roles import CLINICIAN

from .models import (
    Appointment,
    AppointmentType,
    Clinician,
    Closure,
    Location,
    Patient,
    TimeOff,
    WaitlistEntry,
    WeeklyAvailability,
)

APPOINTMENT_TYPES = (
    {
        "slug": AppointmentType.INITIAL_EVALUATION,
        "name": "Initial running evaluation",
        "duration_minutes": 60,
        "buffer_after_minutes": 0,
        "intake": AppointmentType.Intake.RECOMMENDED,
        "description": "A 1-on-1 assessment of hip mobility, strength balance and pelvic position, "
        "with a plan and your first exercises.",
        "is_public": True,
        "sort_order": 1,
    },
    {
        "slug": AppointmentType.INITIAL_EVALUATION_GAIT,
        "name": "Initial running evaluation with gait analysis",
        "duration_minutes": 90,
        "buffer_after_minutes": 0,
        "intake": AppointmentType.Intake.RECOMMENDED,
        "description": "Everything in the initial evaluation plus a video gait analysis on the "
        "treadmill: cadence, crossover, overstriding.",
        "is_public": True,
        "sort_order": 2,
    },
    {
        "slug": AppointmentType.FOLLOW_UP,
        "name": "Follow-up visit",
        "duration_minutes": 45,
        "buffer_after_minutes": 0,
        "intake": AppointmentType.Intake.NONE,
        "description": "For runners already under our care: progress your plan.",
        "is_public": True,
        "sort_order": 3,
    },
)

# username, first, last, display name, bio
CLINICIANS = (
    (
        "clinician",
        "Dana",
        "Cohen",
        "Dana Cohen, PT, DPT",
        "Founder. Marathoner and running-injury specialist.",
    ),
    ("jlee", "Jordan", "Lee", "Jordan Lee, PT, DPT", "Trail runner; hip and pelvis strength."),
    ("mpatel", "Maya", "Patel", "Maya Patel, PT, DPT, OCS", "Orthopaedic clinical specialist."),
    ("sortiz", "Sam", "Ortiz", "Sam Ortiz, PT, DPT, SCS", "Sports specialist; gait analysis."),
)

MORNING, AFTERNOON = (time(7), time(12)), (time(13), time(19))
MON, TUE, WED, THU, FRI, SAT = range(6)
# username -> [(location slug, weekday, start, end)]
HOURS = {
    "clinician": [
        *(("bethesda", day, *block) for day in (MON, WED, FRI) for block in (MORNING, AFTERNOON)),
        *(("mclean", day, *block) for day in (TUE, THU) for block in (MORNING, AFTERNOON)),
    ],
    "jlee": [
        *(("mclean", day, *block) for day in (MON, WED, FRI) for block in (MORNING, AFTERNOON)),
        *(("bethesda", day, time(8), time(12)) for day in (TUE, THU)),
        *(("bethesda", day, time(13), time(18)) for day in (TUE, THU)),
    ],
    "mpatel": [
        *(("bethesda", day, time(9), time(13)) for day in (MON, TUE, WED, THU)),
        *(("bethesda", day, time(14), time(19)) for day in (MON, TUE, WED, THU)),
    ],
    "sortiz": [
        *(("mclean", day, time(7), time(12)) for day in (MON, TUE, WED, THU)),
        *(("mclean", day, time(13), time(17)) for day in (MON, TUE, WED, THU)),
        ("bethesda", FRI, time(7), time(12)),
        ("bethesda", FRI, time(13), time(17)),
        ("bethesda", SAT, time(8), time(12)),
    ],
}

FIRST_NAMES = ("Alex", "Jamie", "Riley", "Morgan", "Casey", "Taylor", "Jordan", "Avery")
LAST_NAMES = ("Nguyen", "Smith", "Garcia", "Okafor", "Kim", "Rossi", "Haddad", "Brown")
DEMO_WEEKS = range(-2, 3)  # two weeks back to two weeks ahead


def thanksgiving(year: int) -> date:
    """The fourth Thursday of November."""
    first = date(year, 11, 1)
    return first + timedelta(days=(THU - first.weekday()) % 7 + 21)


def seed_booking_demo(*, now: datetime | None = None) -> None:
    now = now or timezone.now()
    with transaction.atomic():
        types = _seed_types()
        locations = {location.slug: location for location in Location.objects.all()}
        clinicians = _seed_clinicians(locations)
        _seed_closures(locations, now)
        _seed_time_off(clinicians, now)
        patients = _seed_patients()
        _seed_appointments(clinicians, locations, types, patients, now)
        _seed_waitlist(locations, types, now)
    link_demo_intakes(now=now)


# Runners waiting (booking.waitlist): the desk's waitlist page has people on it. Keyed by email.
DEMO_WAITLIST = (
    ("Noor", "Haddad", "demo.wait1@example.com", ("bethesda",), ("mon-evening", "wed-evening")),
    (
        "Sam",
        "Okafor",
        "demo.wait2@example.com",
        ("bethesda", "mclean"),
        ("tue-morning", "sat-morning"),
    ),
    ("Lena", "Brandt", "demo.wait3@example.com", ("mclean",), ("thu-afternoon", "fri-afternoon")),
)


def _seed_waitlist(locations, types, now: datetime) -> None:
    for n, (first, last, email, slugs, times) in enumerate(DEMO_WAITLIST):
        entry, _ = WaitlistEntry.objects.update_or_create(
            email=email,
            status=WaitlistEntry.Status.WAITING,
            defaults={
                "first_name": first,
                "last_name": last,
                "phone": f"(301) 555-{2100 + n:04d}",
                "date_of_birth": date(1984 + n * 5, 3 + n, 9 + n),
                "appointment_type": types[AppointmentType.INITIAL_EVALUATION],
                "times": list(times),
                "until": timezone.localdate(now) + timedelta(days=28),
                "created_at": now - timedelta(days=3 - n),
            },
        )
        entry.locations.set([locations[slug] for slug in slugs if slug in locations])


def link_demo_intakes(*, now: datetime) -> None:
    """Book each demo runner whose intake allows it into the next free time of the type their
    result recommends, through the booking service, so the desk and the clinicians' queue show
    intakes beside appointments. A runner already booked is left as is (re-runnable)."""
    from assessments.demo import DEMO_DOMAIN
    from assessments.models import Submission

    from . import rules
    from .services import BookingError, PatientDetails, appointment_book, available_slots

    intakes = (
        Submission.objects.submitted()
        .filter(email__endswith=f"@{DEMO_DOMAIN}", appointments__isnull=True)
        .order_by("pk")
    )
    locations = list(Location.objects.filter(is_active=True).order_by("slug"))
    for index, intake in enumerate(intakes):
        if rules.booking_block_for(intake=intake, now=now) or not locations:
            continue
        location = locations[index % len(locations)]
        appointment_type = AppointmentType.objects.get(slug=intake.recommended_appointment)
        day = (now + timedelta(days=1 + index % 3)).astimezone(location.zone).date()
        options = available_slots(
            location=location,
            appointment_type=appointment_type,
            start_date=day,
            end_date=day + timedelta(days=7),
            now=now,
        )
        minor = intake.answers.get("age_band") == "under_18"
        details = PatientDetails(
            first_name=intake.first_name,
            last_name=intake.last_name,
            email=intake.email,
            phone=intake.phone,
            date_of_birth=intake.date_of_birth,
            guardian_name="Pat Nguyen (demo)" if minor else "",
            guardian_phone="(301) 555-0177" if minor else "",
            guardian_consent=minor,
        )
        for option in options[index:]:
            try:
                appointment_book(
                    start=option.start,
                    appointment_type=appointment_type,
                    location=location,
                    clinician=None,
                    patient=details,
                    submission=intake,
                    now=now,
                )
            except BookingError:
                continue
            break


def _seed_types() -> dict[str, AppointmentType]:
    types = {}
    for values in APPOINTMENT_TYPES:
        types[values["slug"]], _ = AppointmentType.objects.update_or_create(
            slug=values["slug"], defaults={**values, "is_active": True}
        )
    return types


def _seed_clinicians(locations: dict[str, Location]) -> dict[str, Clinician]:
    group = Group.objects.filter(name=CLINICIAN).first()
    clinicians = {}
    for username, first, last, display, bio in CLINICIANS:
        user, _ = User.objects.update_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "email": f"{username}@example.com",
                "is_active": True,
            },
        )
        if not user.check_password(settings.DEMO_PASSWORD):
            user.set_password(settings.DEMO_PASSWORD)
            user.save(update_fields=["password"])
        if group:
            user.groups.add(group)
        clinician, _ = Clinician.objects.update_or_create(
            user=user, defaults={"display_name": display, "bio": bio, "is_active": True}
        )
        blocks = HOURS[username]
        clinician.locations.set([locations[slug] for slug in {b[0] for b in blocks}])
        keep = []
        for slug, weekday, start, end in blocks:
            block, _ = WeeklyAvailability.objects.get_or_create(
                clinician=clinician,
                location=locations[slug],
                weekday=weekday,
                start=start,
                end=end,
            )
            keep.append(block.pk)
        clinician.weekly_hours.exclude(pk__in=keep).delete()
        clinicians[username] = clinician
    return clinicians


def _seed_closures(locations: dict[str, Location], now: datetime) -> None:
    this_year = timezone.localdate(now).year  # the clinic's year: UTC is in January on 31 Dec
    for year in (this_year, this_year + 1):
        for location in locations.values():
            Closure.objects.update_or_create(
                location=location, date=thanksgiving(year), defaults={"reason": "Thanksgiving"}
            )


def _monday(now: datetime) -> date:
    today = timezone.localdate(now)
    return today - timedelta(days=today.weekday())


def _seed_time_off(clinicians: dict[str, Clinician], now: datetime) -> None:
    zone = timezone.get_default_timezone()
    next_thursday = _monday(now) + timedelta(days=7 + THU)
    TimeOff.objects.update_or_create(
        clinician=clinicians["mpatel"],
        reason="Demo: running-medicine conference",
        defaults={
            "start": datetime.combine(next_thursday, time(9), tzinfo=zone),
            "end": datetime.combine(next_thursday, time(19), tzinfo=zone),
        },
    )


def _seed_patients() -> list[Patient]:
    patients = []
    for n in range(24):
        first = FIRST_NAMES[n % len(FIRST_NAMES)]
        last = LAST_NAMES[(n * 3) % len(LAST_NAMES)]
        email = f"demo.runner{n + 1:02d}@example.com"
        born = date(1970 + (n * 7) % 38, 1 + n % 12, 1 + (n * 5) % 28)
        patient, _ = Patient.objects.update_or_create(
            email=email,
            date_of_birth=born,
            defaults={
                "first_name": first,
                "last_name": last,
                "phone": f"(301) 555-{1000 + n:04d}",
            },
        )
        patients.append(patient)
    return patients


def _seed_appointments(
    clinicians: dict[str, Clinician],
    locations: dict[str, Location],
    types: dict[str, AppointmentType],
    patients: list[Patient],
    now: datetime,
) -> None:
    """A few visits per working block, laid end to end with gaps, never overlapping."""
    monday = _monday(now)
    closed = set(Closure.objects.values_list("location__slug", "date"))
    kinds = [types["follow-up"], types["follow-up"], types["initial-evaluation"]]
    kinds.append(types["initial-evaluation-gait"])
    # Real bookings made on a demo site (the demo runners' own, booked by link_demo_intakes,
    # or anyone's) keep their times: a demo visit that would hold the same time is left out.
    real: dict[int, list[tuple[datetime, datetime]]] = {}
    first_day = datetime.combine(monday + timedelta(weeks=DEMO_WEEKS[0]), time(), tzinfo=UTC)
    for clinician_id, start, end in (
        Appointment.objects.holding_time()
        .exclude(booking_key__startswith="demo:")
        .filter(end__gt=first_day - timedelta(days=1))
        .values_list("clinician_id", "start", "end")
    ):
        real.setdefault(clinician_id, []).append((start, end))
    plan: dict[str, dict] = {}
    for key, spec in _demo_layout(clinicians, locations, kinds, patients, monday, closed, now):
        clashes = any(
            s < spec["end"] and spec["start"] < e for s, e in real.get(spec["clinician"].pk, ())
        )
        # Only a visit that holds its time can clash: a cancelled one may share it.
        if clashes and spec["status"] in Appointment.HOLDING_STATUSES:
            continue
        plan[key] = spec
    # First remove demo visits that are no longer planned as they are (another layout), so
    # that the upserts below never meet an old demo visit in their way.
    stale = [
        pk
        for pk, key, clinician_id, start, end in Appointment.objects.filter(
            booking_key__startswith="demo:"
        ).values_list("pk", "booking_key", "clinician_id", "start", "end")
        if key not in plan
        or (plan[key]["clinician"].pk, plan[key]["start"], plan[key]["end"])
        != (clinician_id, start, end)
    ]
    Appointment.objects.filter(pk__in=stale).delete()
    for key, spec in plan.items():
        _upsert_appointment(key=key, **spec)


def _demo_layout(clinicians, locations, kinds, patients, monday, closed, now):
    """The demo visits as (booking key, values): a pure function of the week and ``now``.

    Each block draws from its own generator, seeded by clinician, day and block, and every
    candidate draws the same numbers whether or not it is kept, so nothing outside the layout
    (real bookings made since the last run) can shift the visits that follow it.
    """
    for username, clinician in clinicians.items():
        for week in DEMO_WEEKS:
            for slug, weekday, block_start, block_end in HOURS[username]:
                day = monday + timedelta(days=7 * week + weekday)
                if (slug, day) in closed:
                    continue
                location = locations[slug]
                zone = location.zone
                rng = random.Random(f"{username}:{day.isoformat()}:{block_start}")  # noqa: S311
                cursor = datetime.combine(day, block_start, tzinfo=zone)
                block_stop = datetime.combine(day, block_end, tzinfo=zone)
                while True:
                    cursor += timedelta(minutes=15 * rng.randrange(0, 5))
                    kind = rng.choice(kinds)
                    end = cursor + kind.duration
                    if end > block_stop:
                        break
                    free = rng.random() < 0.35  # about a third stays free: times to book
                    patient = patients[rng.randrange(len(patients))]
                    roll = rng.random()
                    if not free:
                        yield (
                            f"demo:{username}:{cursor.isoformat()}",
                            {
                                "clinician": clinician,
                                "location": location,
                                "kind": kind,
                                "start": cursor,
                                "end": end,
                                "patient": patient,
                                "status": _demo_status(end=end, roll=roll, now=now),
                            },
                        )
                    cursor = end


def _demo_status(*, end: datetime, roll: float, now: datetime) -> str:
    if end <= now:
        return Appointment.Status.NO_SHOW if roll < 0.06 else Appointment.Status.COMPLETED
    if roll < 0.05:
        return Appointment.Status.CANCELLED_PATIENT
    return Appointment.Status.BOOKED


def _upsert_appointment(*, key, clinician, location, kind, start, end, patient, status) -> None:
    Appointment.objects.update_or_create(
        booking_key=key,
        defaults={
            "clinician": clinician,
            "location": location,
            "appointment_type": kind,
            "start": start,
            "end": end,
            "patient": patient,
            "status": status,
            "source": Appointment.Source.DESK,
            "cancellation_reason": "Demo: schedule clash" if status.startswith("cancelled") else "",
        },
    )

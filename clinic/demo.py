"""A few months of demo history for the clinic page (seed_demo calls it through the app's
config, so booking never imports this app).

Deterministic and re-runnable: one seeded generator lays out the same history relative to
the current week; each run first removes the previous run's history (all of it is marked: the
``history:`` booking keys, the ``@history.example.com`` runners), then writes it again in bulk.
The visits end before the demo weeks begin (booking.demo.DEMO_WEEKS), so they never meet a
demo visit or a real booking, and every check-in the periodic job would send is already there
(answered, or sent and reminded), so seeding queues no email.
"""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from django.db import transaction
from django.db.models import Case, Value, When
from django.utils import timezone

from assessments.demo import DEMO_DOMAIN
from assessments.models import Submission
from assessments.questionnaire import CURRENT
from booking.models import (
    Appointment,
    AppointmentType,
    Clinician,
    Patient,
    WaitlistEntry,
    WaitlistOffer,
)
from outcomes import instruments
from outcomes.models import CheckIn, Enrolment

DOMAIN = "history.example.com"
KEY = "history:"
WEEKS_BACK = 16  # the history starts 16 weeks before this week's Monday
GAP_DAYS = 16  # and ends 16 days before it (the demo weeks start 14 days before)
FIRST_NAMES = ("Ari", "Bea", "Cal", "Dee", "Eli", "Fay", "Gus", "Hal", "Ida", "Jo", "Kai", "Liv")
LAST_NAMES = ("Stone", "Reyes", "Ng", "Walsh", "Adler", "Ibe", "Park", "Lund", "Moss", "Diaz")


def _monday(now: datetime) -> date:
    today = timezone.localdate(now)
    return today - timedelta(days=today.weekday())


def remove_history() -> None:
    WaitlistEntry.objects.filter(email__endswith=f"@{DOMAIN}").delete()
    Appointment.objects.filter(booking_key__startswith=KEY).delete()  # enrolments, check-ins
    Patient.objects.filter(email__endswith=f"@{DOMAIN}").delete()
    Submission.objects.filter(email__endswith=f"@{DOMAIN}").delete()


def _set_created_at(model, created: dict[int, datetime]) -> None:
    """created_at is auto_now_add: set the history's own times in one UPDATE."""
    if created:
        model.objects.filter(pk__in=created).update(
            created_at=Case(*(When(pk=pk, then=Value(at)) for pk, at in created.items()))
        )


@transaction.atomic
def seed_history(*, now: datetime | None = None) -> None:
    now = now or timezone.now()
    remove_history()
    clinicians = list(
        Clinician.objects.filter(is_active=True)
        .select_related("user")
        .prefetch_related("locations")
        .order_by("pk")
    )
    templates = list(
        Submission.objects.submitted()
        .filter(email__endswith=f"@{DEMO_DOMAIN}", flag_rank__gte=2)  # no emergency/urgent
        .order_by("pk")
    )
    initial = AppointmentType.objects.filter(slug=AppointmentType.INITIAL_EVALUATION).first()
    if not clinicians or not templates or initial is None:
        return
    rng = random.Random("clinic-history")  # noqa: S311 - demo data, not secrets
    monday = _monday(now)
    first_day = monday - timedelta(weeks=WEEKS_BACK)
    last_day = monday - timedelta(days=GAP_DAYS)
    today = timezone.localdate(now)

    # Anything else already holding a clinician's time then (a booking made on this demo
    # site long ago) keeps it: the history leaves that clinician's day free.
    taken = set(
        Appointment.objects.holding_time()
        .filter(start__date__gte=first_day, start__date__lte=last_day)
        .values_list("clinician_id", "start__date")
    )
    # The evaluations: each weekday, each clinician sees about one new runner at one clinic.
    plan = []
    day = first_day
    while day <= last_day:
        if day.weekday() < 5:
            for clinician in clinicians:
                if rng.random() < 0.5:
                    locations = sorted(clinician.locations.all(), key=lambda loc: loc.slug)
                    location = locations[rng.randrange(len(locations))] if locations else None
                    if location is not None and (clinician.pk, day) not in taken:
                        hour = 8 + rng.randrange(9)
                        plan.append((clinician, location, day, hour))
        day += timedelta(days=1)

    patients, intakes, visits, created = [], [], [], {}
    for n, (clinician, location, day, hour) in enumerate(plan):
        start = datetime.combine(day, time(hour), tzinfo=location.zone)
        first, last = FIRST_NAMES[n % len(FIRST_NAMES)], LAST_NAMES[(n * 7) % len(LAST_NAMES)]
        email = f"runner{n:03d}@{DOMAIN}"
        desk = rng.random() < 0.2
        intake = None
        if not desk or rng.random() < 0.4:
            template = templates[rng.randrange(len(templates))]
            submitted = start - timedelta(days=rng.randint(1, 14), hours=rng.randint(0, 10))
            intake = _intake(template, first, last, email, submitted, n)
            intakes.append(intake)
        roll = rng.random()
        status = (
            Appointment.Status.COMPLETED
            if roll < 0.8
            else Appointment.Status.NO_SHOW
            if roll < 0.87
            else Appointment.Status.LATE_CANCEL
            if roll < 0.93
            else Appointment.Status.CANCELLED_PATIENT
        )
        patient = Patient(
            first_name=first,
            last_name=last,
            email=email,
            phone=f"(301) 555-{3000 + n:04d}",
            date_of_birth=date(1970 + n % 35, 1 + n % 12, 1 + n % 28),
        )
        patients.append(patient)
        visits.append(
            {
                "patient": patient,
                "clinician": clinician,
                "location": location,
                "start": start,
                "status": status,
                "intake": intake,
                "source": Appointment.Source.DESK if desk else Appointment.Source.PUBLIC,
                "booked_at": (intake.submitted_at if intake else start - timedelta(days=5))
                + timedelta(minutes=20),
                "consent": status == Appointment.Status.COMPLETED and rng.random() < 0.75,
            }
        )

    # Results never booked, and unfinished drafts of the current version (recent: drafts are
    # deleted after 30 days) stopped on each page.
    for m in range(len(plan) // 4):
        template = templates[rng.randrange(len(templates))]
        at = datetime.combine(
            first_day + timedelta(days=rng.randrange((last_day - first_day).days)),
            time(7 + rng.randrange(12)),
            tzinfo=timezone.get_default_timezone(),
        )
        intakes.append(_intake(template, "Runner", f"N{m}", f"result{m:03d}@{DOMAIN}", at, m))
    steps = [step.slug for step in CURRENT.core_steps]
    for d in range(24):
        at = now - timedelta(days=1 + rng.randrange(25), hours=rng.randrange(10))
        moved_past = steps[: min(rng.choice((0, 0, 1, 1, 1, 2, 3)), len(steps))]
        intakes.append(
            Submission(
                questionnaire_version=CURRENT.version,
                status=Submission.Status.DRAFT,
                consented_at=at,
                email=f"draft{d:03d}@{DOMAIN}",
                progress=moved_past,
                draft_reminder_checked_at=now,
                result_reminder_checked_at=now,
            )
        )
    Submission.objects.bulk_create(intakes)
    _set_created_at(
        Submission,
        {s.pk: (s.submitted_at or s.consented_at) - timedelta(minutes=8) for s in intakes},
    )
    Patient.objects.bulk_create(patients)
    appointments = [
        Appointment(
            patient=v["patient"],
            clinician=v["clinician"],
            location=v["location"],
            appointment_type=initial,
            start=v["start"],
            end=v["start"] + initial.duration,
            status=v["status"],
            submission=v["intake"],
            source=v["source"],
            booking_key=f"{KEY}{n}",
            status_changed_at=v["start"],
        )
        for n, v in enumerate(visits)
    ]
    Appointment.objects.bulk_create(appointments)
    created.update({a.pk: v["booked_at"] for a, v in zip(appointments, visits, strict=True)})
    _set_created_at(Appointment, created)
    _seed_outcomes(rng, appointments, visits, today)
    _seed_waitlist(rng, appointments, initial, first_day, last_day)


def _intake(template: Submission, first, last, email, submitted: datetime, n: int) -> Submission:
    return Submission(
        questionnaire_version=template.questionnaire_version,
        status=Submission.Status.SUBMITTED,
        answers=template.answers,
        progress=template.progress,
        consented_at=submitted - timedelta(minutes=8),
        first_name=first,
        last_name=last,
        email=email,
        phone=f"(301) 555-{5000 + n % 1000:04d}",
        result=template.result,
        primary_driver=template.primary_driver,
        highest_flag=template.highest_flag,
        itb_likelihood=template.itb_likelihood,
        flag_rank=template.flag_rank,
        submitted_at=submitted,
        reviewed_at=submitted + timedelta(hours=20),
        draft_reminder_checked_at=submitted,
        result_reminder_checked_at=submitted,
    )


def _seed_outcomes(rng, appointments, visits, today: date) -> None:
    """Consent at booking, the baseline at the evaluation, and each check-in already due:
    answered (most), or sent and reminded. Runners improve at their own pace."""
    enrolments, pending = [], []
    for appointment, v in zip(appointments, visits, strict=True):
        if v["consent"]:
            enrolment = Enrolment(appointment=appointment, consented_at=v["booked_at"])
            enrolments.append(enrolment)
            pending.append((enrolment, appointment, v))
    Enrolment.objects.bulk_create(enrolments)
    checkins = []
    for enrolment, appointment, v in pending:
        nprs, lefs = rng.randint(4, 8), rng.randint(30, 56)
        pace = rng.random()  # 0: slow to improve, 1: fast
        recorded = appointment.start + timedelta(minutes=50)
        checkins.append(
            CheckIn(
                enrolment=enrolment,
                kind=CheckIn.Kind.BASELINE,
                source=CheckIn.Source.CLINICIAN,
                recorded_by=v["clinician"].user,
                submitted_at=recorded,
                instrument_versions=instruments.INSTRUMENT_VERSIONS,
                nprs=nprs,
                lefs_total=lefs,
                lefs_missing=0,
                running_status=instruments.RUNNING_REDUCED,
            )
        )
        local_day = appointment.start.astimezone(v["location"].zone).date()
        for kind in (CheckIn.Kind.WEEK_2, CheckIn.Kind.WEEK_6, CheckIn.Kind.WEEK_12):
            due = local_day + timedelta(weeks=kind)
            if due > today:
                break
            sent = datetime.combine(due, time(9), tzinfo=v["location"].zone)
            answered = rng.random() < 0.8
            gain = pace * kind / 12
            later = {}
            if answered:
                later = {
                    "submitted_at": sent + timedelta(days=rng.randint(0, 3), hours=2),
                    "nprs": max(0, round(nprs - gain * 5 - rng.random())),
                    "lefs_total": min(80, round(lefs + gain * 22 + rng.random() * 3)),
                    "lefs_missing": 0,
                    "running_status": instruments.RUNNING_FULL
                    if gain > 0.5
                    else instruments.RUNNING_REDUCED,
                    "groc": min(7, round(gain * 7)),
                    "instrument_versions": instruments.INSTRUMENT_VERSIONS,
                }
            checkins.append(
                CheckIn(
                    enrolment=enrolment,
                    kind=kind,
                    source=CheckIn.Source.EMAIL,
                    sent_at=sent,
                    reminded_at=None if answered else sent + timedelta(days=3),
                    **later,
                )
            )
    CheckIn.objects.bulk_create(checkins)


def _seed_waitlist(rng, appointments, initial, first_day: date, last_day: date) -> None:
    """A few runners who waited: offers booked, let expire, or taken by someone else."""
    span = (last_day - first_day).days
    for n, outcome in enumerate(("claimed", "expired", "claimed", "taken", "expired", "claimed")):
        appointment = appointments[rng.randrange(len(appointments))]
        made = appointment.start - timedelta(days=2 + rng.randrange(span // 4))
        entry = WaitlistEntry.objects.create(
            appointment_type=initial,
            until=last_day,
            first_name="Waiting",
            last_name=f"Runner{n}",
            email=f"wait{n}@{DOMAIN}",
            phone=f"(301) 555-{4000 + n:04d}",
            date_of_birth=date(1985, 1 + n, 10),
            times=["mon-morning"],
            status=WaitlistEntry.Status.BOOKED if outcome == "claimed" else "left",
            created_at=made - timedelta(days=3),
        )
        entry.locations.set([appointment.location])
        WaitlistOffer.objects.create(
            entry=entry,
            location=appointment.location,
            clinician=appointment.clinician,
            appointment_type=initial,
            start=appointment.start,
            end=appointment.end,
            status=outcome,
            created_at=made,
            expires_at=made + timedelta(minutes=30),
            closed_at=made + timedelta(minutes=10),
        )

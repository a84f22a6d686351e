"""Test data built the way the product builds it."""

import factory
from django.contrib.auth.models import Group

from booking.models import Location
from itband.models import User

TEST_PASSWORD = "correct-horse-battery-staple"


class StaffFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"staff{n}")
    first_name = "Sam"
    last_name = factory.Sequence(lambda n: f"Staff{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", TEST_PASSWORD)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        for name in extracted or ():
            self.groups.add(Group.objects.get(name=name))
        self.save()


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location
        django_get_or_create = ("slug",)

    name = "Bethesda"
    slug = factory.LazyAttribute(lambda o: o.name.lower())
    street = "4800 Demo Avenue"
    city = "Bethesda"
    region = "MD"
    postal_code = "20814"
    phone = "(301) 555-0142"
    timezone = "America/New_York"


# --- Booking ------------------------------------------------------------------------------------
# (Imports here keep the booking additions in one appended block.)
import datetime as _dt  # noqa: E402
from types import SimpleNamespace  # noqa: E402

from django.utils import timezone as _timezone  # noqa: E402

from booking.models import (  # noqa: E402
    Appointment,
    AppointmentType,
    Clinician,
    Patient,
    WeeklyAvailability,
)


class AppointmentTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AppointmentType
        django_get_or_create = ("slug",)

    slug = "initial-evaluation"
    name = "Initial running evaluation"
    duration_minutes = 60
    description = "A 1-on-1 running evaluation."


class ClinicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinician
        skip_postgeneration_save = True

    user = factory.SubFactory(StaffFactory)
    display_name = factory.Sequence(lambda n: f"Clinician {n}, PT, DPT")

    @factory.post_generation
    def locations(self, create, extracted, **kwargs):
        if create and extracted:
            self.locations.set(extracted)


class PatientFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Patient

    first_name = "Riley"
    last_name = factory.Sequence(lambda n: f"Runner{n}")
    email = factory.Sequence(lambda n: f"runner{n}@example.com")
    phone = "(301) 555-0100"
    date_of_birth = _dt.date(1990, 4, 23)


class AppointmentFactory(factory.django.DjangoModelFactory):
    """A booked appointment written directly (the service is tested on its own)."""

    class Meta:
        model = Appointment

    patient = factory.SubFactory(PatientFactory)
    clinician = factory.SubFactory(ClinicianFactory)
    location = factory.SubFactory(LocationFactory)
    appointment_type = factory.SubFactory(AppointmentTypeFactory)
    start = factory.LazyFunction(lambda: _timezone.now() + _dt.timedelta(days=3))
    end = factory.LazyAttribute(lambda o: o.start + _dt.timedelta(minutes=60))


def booking_clinic(
    *,
    clinicians: int = 1,
    start: _dt.time = _dt.time(8),
    end: _dt.time = _dt.time(17),
    weekdays=range(7),
    location=None,
) -> SimpleNamespace:
    """A clinic with the three appointment types and clinicians working every listed weekday."""
    location = location or LocationFactory(name="Bethesda")
    types = {
        "initial-evaluation": AppointmentTypeFactory(),
        "initial-evaluation-gait": AppointmentTypeFactory(
            slug="initial-evaluation-gait",
            name="Initial running evaluation with gait analysis",
            duration_minutes=90,
            sort_order=2,
        ),
        "follow-up": AppointmentTypeFactory(
            slug="follow-up",
            name="Follow-up visit",
            duration_minutes=45,
            sort_order=3,
            intake=AppointmentType.Intake.NONE,  # as seeded: for patients already under care
        ),
    }
    people = []
    for n in range(clinicians):
        clinician = ClinicianFactory(
            display_name=f"Dr {chr(65 + n)}. Test, PT, DPT", locations=[location]
        )
        for weekday in weekdays:
            WeeklyAvailability.objects.create(
                clinician=clinician, location=location, weekday=weekday, start=start, end=end
            )
        people.append(clinician)
    return SimpleNamespace(location=location, types=types, clinicians=people, clinician=people[0])


def local_time(location, day: _dt.date, hour: int, minute: int = 0) -> _dt.datetime:
    return _dt.datetime.combine(day, _dt.time(hour, minute), tzinfo=location.zone)


def submitted_intake(**overrides):
    """A submitted self-assessment as the intake flow stores it."""
    from assessments.models import Submission

    result = {
        "booking_allowed": True,
        "recommended_appointment": "initial-evaluation-gait",
        "highest_flag": None,
        "flags": [],
    }
    result.update(overrides.pop("result", {}))
    values = {
        "questionnaire_version": "1",
        "status": Submission.Status.SUBMITTED,
        "consented_at": _timezone.now(),
        "submitted_at": _timezone.now(),
        "first_name": "Casey",
        "last_name": "Strider",
        "email": "casey@example.com",
        "phone": "(301) 555-0199",
        "date_of_birth": _dt.date(1988, 6, 1),
        "result": result,
        "highest_flag": result.get("highest_flag") or "",
    }
    values.update(overrides)
    return Submission.objects.create(**values)


# What a runner types on the booking details form (an adult, policy accepted).
RUNNER_DETAILS = {
    "first_name": "Riley",
    "last_name": "Runner",
    "email": "riley@example.com",
    "phone": "(301) 555-0100",
    "date_of_birth": "1990-04-23",
    "accept_policy": "on",
}

"""The clinic page's figures, every one computed by the database: aggregates, conditional
counts and grouped annotations, never a Python loop over rows. The number of queries is the
same however many intakes there are (tests/integration/test_clinic_figures.py counts them).

The period runs from local midnight of ``start`` to local midnight after ``end`` in the
clinics' time zone. What each figure counts (and over which dates) is said at each function;
the page says it too.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import (
    Aggregate,
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
)
from django.db.models.functions import ExtractIsoWeekDay

from assessments.models import Submission, driver_label
from assessments.questionnaire import CURRENT, VERSIONS
from assessments.scoring import DRIVER_LABELS, LIKELIHOODS
from booking import directory
from booking.models import Appointment, AppointmentType, Location, WaitlistOffer
from outcomes import instruments
from outcomes.models import CheckIn
from outcomes.selectors import baseline_value, improvement_expression, reached_mcid_q

BOTH = "both"
INITIAL_TYPES = (AppointmentType.INITIAL_EVALUATION, AppointmentType.INITIAL_EVALUATION_GAIT)
# A visit that was due: the runner came, did not come, or cancelled too late. Cancellations
# in good time and visits still to come are not in the rates' denominator.
DUE_STATUSES = (
    *Appointment.ATTENDED_STATUSES,
    Appointment.Status.NO_SHOW,
    Appointment.Status.LATE_CANCEL,
)
OUTCOME_WEEKS = (CheckIn.Kind.WEEK_6, CheckIn.Kind.WEEK_12)


@dataclass(frozen=True)
class Period:
    start: date
    end: date
    locations: tuple[Location, ...]  # the clinics chosen (both, or one)
    choice: str  # a clinic's slug, or BOTH

    @property
    def zone(self) -> ZoneInfo:
        zones = {location.timezone for location in self.locations}
        return self.locations[0].zone if len(zones) == 1 else ZoneInfo(settings.TIME_ZONE)

    @property
    def bounds(self) -> tuple[datetime, datetime]:
        first = datetime.combine(self.start, time(), tzinfo=self.zone)
        after = datetime.combine(self.end + timedelta(days=1), time(), tzinfo=self.zone)
        return first, after

    @property
    def one_clinic(self) -> bool:
        return self.choice != BOTH


def period_for(*, start: date, end: date, choice: str = "") -> Period:
    locations = tuple(directory.active_locations())
    chosen = tuple(location for location in locations if location.slug == choice)
    if chosen:
        return Period(start=start, end=end, locations=chosen, choice=choice)
    return Period(start=start, end=end, locations=locations, choice=BOTH)


def _in(period: Period, field: str) -> Q:
    first, after = period.bounds
    return Q(**{f"{field}__gte": first, f"{field}__lt": after})


# --- The funnel ---------------------------------------------------------------------------------


def funnel(period: Period) -> dict[str, int]:
    """Intakes started in the period, and how far each got since (up to now), in one query.

    Started and reached a result are for both clinics (a runner picks a clinic only when
    booking); booked, attended and the 6-week check-in count the chosen clinic's visits.
    Unfinished drafts are deleted after DRAFT_RETENTION_DAYS, so for a period older than that
    "started" counts only the intakes that reached a result."""
    # One pass of joins (intake -> its visits -> their check-ins), each step a distinct
    # count: PostgreSQL hashes the joins, where an EXISTS per intake would probe per row.
    here = Q(appointments__location__in=period.locations)
    attended = here & Q(appointments__status__in=Appointment.ATTENDED_STATUSES)
    six_weeks = here & Q(
        appointments__outcome_enrolment__checkins__kind=CheckIn.Kind.WEEK_6,
        appointments__outcome_enrolment__checkins__submitted_at__isnull=False,
    )
    return Submission.objects.filter(_in(period, "created_at")).aggregate(
        started=Count("pk", distinct=True),
        result=Count("pk", distinct=True, filter=Q(status=Submission.Status.SUBMITTED)),
        booked=Count("pk", distinct=True, filter=here),
        attended=Count("pk", distinct=True, filter=attended),
        six_weeks=Count("pk", distinct=True, filter=six_weeks),
    )


def desk_funnel(period: Period) -> dict[str, int]:
    """Initial evaluations the front desk booked in the period (Appointment.source == desk),
    at the chosen clinics: with an intake linked, attended, 6-week check-in. One query."""
    six_weeks = (
        CheckIn.objects.submitted()
        .filter(kind=CheckIn.Kind.WEEK_6, enrolment__appointment=OuterRef("pk"))
        .values("pk")
    )
    return Appointment.objects.filter(
        _in(period, "created_at"),
        source=Appointment.Source.DESK,
        appointment_type__slug__in=INITIAL_TYPES,
        location__in=period.locations,
    ).aggregate(
        booked=Count("pk"),
        with_intake=Count("pk", filter=Q(submission__isnull=False)),
        attended=Count("pk", filter=Q(status__in=Appointment.ATTENDED_STATUSES)),
        six_weeks=Count("pk", filter=Q(Exists(six_weeks))),
    )


def draft_pages(period: Period) -> list[tuple[str, int]]:
    """Unfinished drafts (of the current questionnaire) started in the period, by the page
    they stopped on, from the stored progress (the slugs of the pages moved past, in page
    order): a draft that moved past k pages stopped on page k + 1, or on the review after the
    last. One query, a conditional count per page."""
    steps = CURRENT.core_steps
    stops = [*(step.title for step in steps), "Review (not submitted)"]
    counts = {}
    for k in range(len(stops)):
        moved_past_k = Q(**{f"progress__{k}__isnull": True})
        if k:
            moved_past_k &= Q(**{f"progress__{k - 1}__isnull": False})
        counts[f"page_{k}"] = Count("pk", filter=moved_past_k)
    row = (
        Submission.objects.drafts()
        .filter(_in(period, "created_at"), questionnaire_version=CURRENT.version)
        .aggregate(**counts)
    )
    return [(stops[k], row[f"page_{k}"]) for k in range(len(stops))]


# --- The profile mix ------------------------------------------------------------------------------


def _no_driver_key(version: str) -> str:
    return f"driver__v{version}"


def profile_mix(period: Period) -> dict[str, list[tuple[str, int]]]:
    """Results reached in the period (both clinics: see ``funnel``), by primary driver,
    ITB-pattern likelihood and highest flag. One query, a conditional count per value."""
    counts = {f"driver_{key}": Count("pk", filter=Q(primary_driver=key)) for key in DRIVER_LABELS}
    for version in VERSIONS:  # "no driver" reads differently by version (driver_label)
        counts[_no_driver_key(version)] = Count(
            "pk", filter=Q(primary_driver="", questionnaire_version=version)
        )
    for value in (*LIKELIHOODS, ""):
        counts[f"likelihood_{value}"] = Count("pk", filter=Q(itb_likelihood=value))
    for value, _ in Submission.Flag.choices:
        counts[f"flag_{value}"] = Count("pk", filter=Q(highest_flag=value))
    row = Submission.objects.submitted().filter(_in(period, "submitted_at")).aggregate(**counts)
    drivers: dict[str, int] = {}
    for key, label in DRIVER_LABELS.items():
        drivers[label] = row[f"driver_{key}"]

    for version in VERSIONS:
        label = driver_label("", version)
        drivers[label] = drivers.get(label, 0) + row[_no_driver_key(version)]
    likelihoods = [
        (value.capitalize() if value else "Not given", row[f"likelihood_{value}"])
        for value in (*LIKELIHOODS, "")
    ]
    flags = [
        (label if value else "No flag", row[f"flag_{value}"])
        for value, label in Submission.Flag.choices
    ]
    return {"drivers": list(drivers.items()), "likelihoods": likelihoods, "flags": flags}


def meaningful_change(period: Period) -> list[dict]:
    """6- and 12-week check-ins submitted in the period at the chosen clinics, by the primary
    driver of the intake behind the visit: how many could be compared with a baseline, and how
    many reached the meaningful change (outcomes' MCID rules) on NPRS and on LEFS. One query.
    Each row: driver key, week, nprs_n, nprs_reached, lefs_n, lefs_reached."""
    rows = (
        CheckIn.objects.submitted()
        .filter(
            _in(period, "submitted_at"),
            kind__in=OUTCOME_WEEKS,
            enrolment__appointment__location__in=period.locations,
        )
        .annotate(base_nprs=baseline_value("nprs"), base_lefs=baseline_value("lefs_total"))
        .alias(
            nprs_gain=improvement_expression(instruments.NPRS, now="nprs", baseline="base_nprs"),
            lefs_gain=improvement_expression(
                instruments.LEFS, now="lefs_total", baseline="base_lefs"
            ),
        )
        .values(driver=F("enrolment__appointment__submission__primary_driver"), week=F("kind"))
        .annotate(
            nprs_n=Count("pk", filter=Q(nprs_gain__isnull=False)),
            nprs_reached=Count(
                "pk", filter=reached_mcid_q(instruments.NPRS, improvement="nprs_gain")
            ),
            lefs_n=Count("pk", filter=Q(lefs_gain__isnull=False)),
            lefs_reached=Count(
                "pk", filter=reached_mcid_q(instruments.LEFS, improvement="lefs_gain")
            ),
        )
        .order_by("driver", "week")
    )
    return list(rows)


# --- Operations -----------------------------------------------------------------------------------


def _due_visits(period: Period):
    return Appointment.objects.filter(
        _in(period, "start"), location__in=period.locations, status__in=DUE_STATUSES
    )


_RATES = {
    "due": Count("pk"),
    "no_show": Count("pk", filter=Q(status=Appointment.Status.NO_SHOW)),
    "late_cancel": Count("pk", filter=Q(status=Appointment.Status.LATE_CANCEL)),
}


def rates_by_clinic(period: Period) -> list[dict]:
    """Visits due in the period (attended, no-show or late cancel), by clinic: one query."""
    return list(
        _due_visits(period).values(name=F("location__name")).annotate(**_RATES).order_by("name")
    )


def rates_by_clinician(period: Period) -> list[dict]:
    return list(
        _due_visits(period)
        .values(name=F("clinician__display_name"))
        .annotate(**_RATES)
        .order_by("name")
    )


def rates_by_weekday(period: Period) -> list[dict]:
    """By weekday in the clinics' time zone (1 = Monday … 7 = Sunday)."""
    return list(
        _due_visits(period)
        .annotate(weekday=ExtractIsoWeekDay("start", tzinfo=period.zone))
        .values("weekday")
        .annotate(**_RATES)
        .order_by("weekday")
    )


class Median(Aggregate):
    """PostgreSQL's percentile_cont(0.5): the median, interpolated between the middle two."""

    function = "PERCENTILE_CONT"
    name = "Median"
    template = "%(function)s(0.5) WITHIN GROUP (ORDER BY %(expressions)s)"
    output_field = DurationField()


def lead_time(period: Period) -> dict:
    """From the result (submitted_at) to the start of the initial evaluation it was linked
    to, for evaluations attended in the period at the chosen clinics: {count, median (a
    timedelta, or None)}. PostgreSQL: one query (percentile_cont). SQLite, which has no
    percentile: two, both in SQL (the count, then the middle one or two values in order)."""
    visits = (
        Appointment.objects.filter(
            _in(period, "start"),
            location__in=period.locations,
            status__in=Appointment.ATTENDED_STATUSES,
            appointment_type__slug__in=INITIAL_TYPES,
            submission__submitted_at__isnull=False,
        )
        .annotate(
            lead=ExpressionWrapper(
                F("start") - F("submission__submitted_at"), output_field=DurationField()
            )
        )
        .order_by()
    )
    if connection.vendor == "postgresql":
        row = visits.aggregate(count=Count("pk"), median=Median("lead"))
        return {"count": row["count"], "median": row["median"]}
    count = visits.count()
    if not count:
        return {"count": 0, "median": None}
    middle = list(
        visits.order_by("lead").values_list("lead", flat=True)[(count - 1) // 2 : count // 2 + 1]
    )
    return {"count": count, "median": sum(middle, timedelta()) / len(middle)}


def waitlist_offers(period: Period) -> dict[str, int]:
    """Waitlist offers made in the period at the chosen clinics, and how many were booked
    (status claimed). One query."""
    return WaitlistOffer.objects.filter(
        _in(period, "created_at"), location__in=period.locations
    ).aggregate(sent=Count("pk"), filled=Count("pk", filter=Q(status=WaitlistOffer.Status.CLAIMED)))

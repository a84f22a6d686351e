"""Outcome check-ins: the reads (a constant number of queries per page)."""

from django.db.models import ExpressionWrapper, F, IntegerField, OuterRef, Q, Subquery

from booking.models import Appointment

from . import chart, instruments
from .models import CheckIn, Enrolment


def checkin_by_token(token: str) -> CheckIn | None:
    return (
        CheckIn.objects.select_related(
            "enrolment__appointment__patient",
            "enrolment__appointment__clinician",
            "enrolment__appointment__location",
        )
        .filter(token=token)
        .first()
    )


def enrolment_for_appointment(appointment: Appointment) -> Enrolment | None:
    return Enrolment.objects.filter(appointment=appointment).first()


def course(enrolment: Enrolment) -> list[CheckIn]:
    """The submitted check-ins, baseline first: one query."""
    return list(
        CheckIn.objects.submitted()
        .filter(enrolment=enrolment)
        .only(
            "kind",
            "submitted_at",
            "nprs",
            "lefs_total",
            "lefs_missing",
            "running_status",
            "groc",
            "source",
        )
        .order_by("kind")
    )


def course_rows(checkins: list[CheckIn]) -> list[dict]:
    """The data table under the chart: each check-in with its change from the baseline."""
    baseline = next((c for c in checkins if c.is_baseline), None)
    rows = []
    for checkin in checkins:
        later = baseline is not None and checkin is not baseline
        rows.append(
            {
                "label": checkin.get_kind_display(),
                "submitted_at": checkin.submitted_at,
                "nprs": checkin.nprs,
                "lefs": checkin.lefs_total,
                "lefs_missing": checkin.lefs_missing or 0,
                "running": instruments.RUNNING_STATUS.label_for(checkin.running_status),
                "groc": checkin.groc,
                "groc_label": instruments.GROC.label_for(checkin.groc)
                if checkin.groc is not None
                else "",
                "nprs_mcid": later
                and instruments.reached_mcid(instruments.NPRS, baseline.nprs, checkin.nprs),
                "lefs_mcid": later
                and instruments.reached_mcid(
                    instruments.LEFS, baseline.lefs_total, checkin.lefs_total
                ),
            }
        )
    return rows


def course_context(checkins: list[CheckIn]) -> dict:
    points = [
        chart.CoursePoint(
            week=c.kind, nprs=c.nprs, lefs=c.lefs_total, running=c.running_status, groc=c.groc
        )
        for c in checkins
    ]
    return {
        "course_rows": course_rows(checkins),
        "panels": chart.course_panels(points) if points else (),
        "has_baseline": any(c.is_baseline for c in checkins),
    }


def open_tablet_baseline(enrolment: Enrolment) -> CheckIn | None:
    """The one-time baseline link made for the tablet, while it is unused."""
    return (
        CheckIn.objects.filter(
            enrolment=enrolment, kind=CheckIn.Kind.BASELINE, submitted_at__isnull=True
        )
        .only("token", "kind")
        .first()
    )


# --- For aggregate reads (the clinic page): the MCID rule as SQL ------------------------------


def baseline_value(field: str) -> Subquery:
    """The submitted baseline's value of ``field`` for the check-in's enrolment (a correlated
    subquery: annotate a CheckIn queryset with it)."""
    return Subquery(
        CheckIn.objects.submitted()
        .filter(enrolment=OuterRef("enrolment"), kind=CheckIn.Kind.BASELINE)
        .values(field)[:1]
    )


def improvement_expression(instrument: instruments.Instrument, *, now: str, baseline: str):
    """``instruments.change`` in SQL: the improvement in the instrument's own direction
    (NULL without both values). The rule's numbers come from the instrument's data."""
    return ExpressionWrapper(
        (F(now) - F(baseline)) * instrument.mcid_direction, output_field=IntegerField()
    )


def reached_mcid_q(instrument: instruments.Instrument, *, improvement: str) -> Q:
    """``instruments.reached_mcid`` as a filter over an annotated improvement."""
    return Q(**{f"{improvement}__gte": instrument.mcid})

"""The clinic page's figures on a known data set: every funnel, profile, outcome and operations
figure, exact. The clock is pinned (tests/clock.py: Wednesday 2026-06-10, New York), and the
period is the default 90 days: 2026-03-13 to 2026-06-10."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Submission
from booking.models import Appointment, WaitlistEntry, WaitlistOffer
from clinic import report, selectors
from outcomes.models import CheckIn, Enrolment
from tests.factories import (
    AppointmentTypeFactory,
    ClinicianFactory,
    LocationFactory,
    PatientFactory,
)

pytestmark = pytest.mark.django_db
NY = ZoneInfo("America/New_York")
START, END = date(2026, 3, 13), date(2026, 6, 10)
V2_PAGES = ["your-running", "your-pain", "safety-check"]


def at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=NY)


def intake(*, created: datetime, submitted: datetime | None = None, progress=(), **values):
    submission = Submission.objects.create(
        questionnaire_version=values.pop("version", "2"),
        status=Submission.Status.SUBMITTED if submitted else Submission.Status.DRAFT,
        consented_at=created,
        submitted_at=submitted,
        progress=list(progress),
        result={"recommended_appointment": "initial-evaluation"} if submitted else None,
        **values,
    )
    Submission.objects.filter(pk=submission.pk).update(created_at=created)  # auto_now_add
    submission.refresh_from_db()
    return submission


@pytest.fixture
def clinic(reference_data):
    bethesda = LocationFactory(name="Bethesda")
    mclean = LocationFactory(name="McLean", city="McLean")
    initial = AppointmentTypeFactory()
    follow_up = AppointmentTypeFactory(
        slug="follow-up", name="Follow-up visit", duration_minutes=45
    )
    return {
        "bethesda": bethesda,
        "mclean": mclean,
        "initial": initial,
        "follow_up": follow_up,
        "ann": ClinicianFactory(display_name="Ann A, PT", locations=[bethesda]),
        "ben": ClinicianFactory(display_name="Ben B, PT", locations=[mclean]),
    }


def visit(c, *, location, clinician, start, status, submission=None, source="public", kind=None):
    return Appointment.objects.create(
        patient=PatientFactory(),
        clinician=c[clinician],
        location=c[location],
        appointment_type=kind or c["initial"],
        start=start,
        end=start + timedelta(minutes=45),
        status=status,
        submission=submission,
        source=source,
    )


def checkin(enrolment, kind, *, nprs, lefs, submitted):
    return CheckIn.objects.create(
        enrolment=enrolment,
        kind=kind,
        source=CheckIn.Source.EMAIL,
        submitted_at=submitted,
        nprs=nprs,
        lefs_total=lefs,
    )


@pytest.fixture
def data_set(clinic):
    c = clinic
    S = Appointment.Status
    # Drafts (version 2): 3 stopped on page 1, 2 on page 2, 1 at the review; 1 before the period.
    for _ in range(3):
        intake(created=at(date(2026, 5, 1), 9))
    for _ in range(2):
        intake(created=at(date(2026, 5, 2), 9), progress=V2_PAGES[:1])
    intake(created=at(date(2026, 5, 3), 9), progress=V2_PAGES)
    intake(created=at(date(2026, 3, 12), 23, 50))  # the day before the period (New York)

    # 12 results. Bethesda: 8 booked (6 attended, 1 no-show, 1 still to come).
    monday, tuesday, wednesday = date(2026, 5, 4), date(2026, 5, 5), date(2026, 5, 6)
    six_week = [(2, 50), (4, 49), (5, 45), (3, 60), (6, None)]  # baseline NPRS 6, LEFS 40
    for i in range(6):
        start = at(monday, 8 + i)
        submitted = start - timedelta(days=i + 1)  # lead times 1..6 days
        runner = intake(
            created=submitted - timedelta(minutes=10),
            submitted=submitted,
            primary_driver="hip_mobility" if i < 5 else "strength_balance",
            itb_likelihood="consistent",
        )
        appointment = visit(
            c, location="bethesda", clinician="ann", start=start, status=S.COMPLETED,
            submission=runner,
        )  # fmt: skip
        if i < 5:
            enrolment = Enrolment.objects.create(appointment=appointment, consented_at=start)
            checkin(enrolment, CheckIn.Kind.BASELINE, nprs=6, lefs=40, submitted=start)
            nprs, lefs = six_week[i]
            checkin(
                enrolment,
                CheckIn.Kind.WEEK_6,
                nprs=nprs,
                lefs=lefs,
                submitted=at(date(2026, 6, 1), 9),
            )
    no_show = intake(
        created=at(monday, 7), submitted=at(monday, 7, 5), primary_driver="strength_balance",
        itb_likelihood="possible", highest_flag="soft",
    )  # fmt: skip
    visit(
        c,
        location="bethesda",
        clinician="ann",
        start=at(monday, 15),
        status=S.NO_SHOW,
        submission=no_show,
    )
    later = intake(
        created=at(date(2026, 6, 9), 7), submitted=at(date(2026, 6, 9), 7, 5),
        primary_driver="strength_balance", itb_likelihood="possible", highest_flag="soft",
    )  # fmt: skip
    visit(
        c,
        location="bethesda",
        clinician="ann",
        start=at(date(2026, 6, 15), 9),
        status=S.BOOKED,
        submission=later,
    )

    # McLean: 1 result booked by the desk with the intake linked, attended 7 days after it.
    linked = intake(
        created=at(tuesday, 7) - timedelta(days=7, minutes=10),
        submitted=at(tuesday, 7) - timedelta(days=7),
        itb_likelihood="possible",
    )  # fmt: skip
    visit(
        c,
        location="mclean",
        clinician="ben",
        start=at(tuesday, 7),
        status=S.COMPLETED,
        submission=linked,
        source="desk",
    )
    # 3 results never booked.
    for likelihood in ("possible", "unlikely", "unlikely"):
        intake(
            created=at(date(2026, 4, 1), 9),
            submitted=at(date(2026, 4, 1), 9, 5),
            itb_likelihood=likelihood,
        )

    # McLean desk bookings without an intake: 3 attended, 1 no-show (Tuesday), 1 late cancel
    # (Wednesday); a follow-up and a cancellation in good time are not counted.
    for hour in (9, 10, 11):
        visit(
            c,
            location="mclean",
            clinician="ben",
            start=at(tuesday, hour),
            status=S.COMPLETED,
            source="desk",
        )
    visit(
        c,
        location="mclean",
        clinician="ben",
        start=at(tuesday, 12),
        status=S.NO_SHOW,
        source="desk",
    )
    visit(
        c,
        location="mclean",
        clinician="ben",
        start=at(wednesday, 9),
        status=S.LATE_CANCEL,
        source="desk",
    )
    visit(
        c,
        location="mclean",
        clinician="ben",
        start=at(wednesday, 10),
        status=S.CANCELLED_PATIENT,
        source="desk",
    )
    visit(
        c, location="mclean", clinician="ben", start=at(wednesday, 11), status=S.BOOKED,
        source="desk", kind=c["follow_up"],
    )  # fmt: skip

    # Waitlist offers at Bethesda: 6 in the period (2 booked), 1 before it.
    entry = WaitlistEntry.objects.create(
        appointment_type=c["initial"], until=date(2026, 7, 1), first_name="W", last_name="L",
        email="w@example.com", phone="(301) 555-0100", date_of_birth=date(1990, 1, 1),
    )  # fmt: skip
    statuses = ["claimed", "claimed", "expired", "expired", "expired", "taken", "claimed"]
    for n, status in enumerate(statuses):
        made = at(date(2026, 3, 1), 9) if n == 6 else at(date(2026, 5, 10 + n), 9)
        WaitlistOffer.objects.create(
            entry=entry, location=c["bethesda"], clinician=c["ann"], appointment_type=c["initial"],
            start=made + timedelta(days=2), end=made + timedelta(days=2, hours=1), status=status,
            created_at=made, expires_at=made + timedelta(hours=2),
        )  # fmt: skip
    return c


def period(choice=""):
    return selectors.period_for(start=START, end=END, choice=choice)


def test_the_funnel_both_clinics(data_set):
    assert selectors.funnel(period()) == {
        "started": 18, "result": 12, "booked": 9, "attended": 7, "six_weeks": 5,
    }  # fmt: skip


def test_the_funnel_at_one_clinic_counts_its_visits_only(data_set):
    assert selectors.funnel(period("bethesda")) == {
        "started": 18, "result": 12, "booked": 8, "attended": 6, "six_weeks": 5,
    }  # fmt: skip
    assert selectors.funnel(period("mclean"))["booked"] == 1


def test_the_desk_funnel(data_set):
    assert selectors.desk_funnel(period()) == {
        "booked": 7, "with_intake": 1, "attended": 4, "six_weeks": 0,
    }  # fmt: skip
    assert selectors.desk_funnel(period("bethesda"))["booked"] == 0


def test_drop_off_per_page_of_unfinished_drafts(data_set):
    from assessments.questionnaire import CURRENT

    pages = [step.title for step in CURRENT.core_steps]
    assert len(pages) == 3
    assert selectors.draft_pages(period()) == [
        (pages[0], 3), (pages[1], 2), (pages[2], 0), ("Review (not submitted)", 1),
    ]  # fmt: skip


def test_the_profile_mix(data_set):
    mix = selectors.profile_mix(period())
    drivers = dict(mix["drivers"])
    assert drivers["Hip mobility"] == 5
    assert drivers["Strength balance"] == 3
    assert drivers["Not clear yet (home tests optional)"] == 4
    assert sum(drivers.values()) == 12
    assert dict(mix["likelihoods"]) == {
        "Consistent": 6, "Possible": 4, "Unlikely": 2, "Not given": 0,
    }  # fmt: skip
    assert dict(mix["flags"]) == {"No flag": 10, "Soft": 2, "Urgent": 0, "Emergency": 0}


def test_meaningful_change_by_driver_follows_the_mcid_rules(data_set):
    # NPRS 6 -> 2, 4, 5, 3, 6: improvements 4, 2, 1, 3, 0: three reach 2 points.
    # LEFS 40 -> 50, 49, 45, 60, (not scored): gains 10, 9, 5, 20: three reach 9 points.
    assert selectors.meaningful_change(period()) == [
        {
            "driver": "hip_mobility",
            "week": 6,
            "nprs_n": 5,
            "nprs_reached": 3,
            "lefs_n": 4,
            "lefs_reached": 3,
        }
    ]
    assert selectors.meaningful_change(period("mclean")) == []


def test_no_show_and_late_cancel_rates(data_set):
    rates = {"due", "no_show", "late_cancel"}
    by_clinic = selectors.rates_by_clinic(period())
    assert by_clinic == [
        {"name": "Bethesda", "due": 7, "no_show": 1, "late_cancel": 0},
        {"name": "McLean", "due": 6, "no_show": 1, "late_cancel": 1},
    ]
    assert selectors.rates_by_clinician(period()) == [
        {"name": "Ann A, PT", "due": 7, "no_show": 1, "late_cancel": 0},
        {"name": "Ben B, PT", "due": 6, "no_show": 1, "late_cancel": 1},
    ]
    assert selectors.rates_by_weekday(period()) == [
        {"weekday": 1, "due": 7, "no_show": 1, "late_cancel": 0},
        {"weekday": 2, "due": 5, "no_show": 1, "late_cancel": 0},
        {"weekday": 3, "due": 1, "no_show": 0, "late_cancel": 1},
    ]
    assert set(by_clinic[0]) == rates | {"name"}


def test_median_lead_time_from_result_to_visit(data_set):
    # Bethesda: 1..6 days (the no-show is not attended); McLean: 7 days.
    assert selectors.lead_time(period()) == {"count": 7, "median": timedelta(days=4)}
    assert selectors.lead_time(period("bethesda")) == {"count": 6, "median": timedelta(days=3.5)}


def test_waitlist_offers_sent_and_filled(data_set):
    assert selectors.waitlist_offers(period()) == {"sent": 6, "filled": 2}
    assert selectors.waitlist_offers(period("mclean")) == {"sent": 0, "filled": 0}


def test_the_tables_suppress_small_counts_and_their_percentages(data_set):
    tables = {table.key: table for table in report.all_tables(period())}
    funnel = tables["funnel"].rows
    assert funnel[0] == ("Started the core", "18", "—", "—")
    assert funnel[1] == ("Reached a result", "12", "66.7%", "33.3%")
    assert funnel[4] == ("Completed the 6-week check-in", "5", "71.4%", "28.6%")
    # 1 no-show of 7 due: "<5", and its rate is not shown either.
    assert tables["by-clinic"].rows[0] == ("Bethesda", "7", "<5", "—", "0", "0%")
    summary = dict(tables["lead-time-waitlist"].rows)
    assert summary["Median days from result to evaluation"] == "4 days"
    assert summary["Waitlist offers booked"] == "<5"
    assert summary["Share of offers booked"] == "—"
    # A suppressed cell draws no bar.
    bars = {bar.label: bar for bar in tables["by-clinic"].chart.bars}
    assert bars["Bethesda"].width == 0 and bars["Bethesda"].text == "—"


def _intakes(n: int, c) -> None:
    created = timezone.now() - timedelta(days=5)
    Submission.objects.bulk_create(
        Submission(
            questionnaire_version="2",
            status=Submission.Status.SUBMITTED,
            consented_at=created,
            submitted_at=created,
            primary_driver="hip_mobility",
            itb_likelihood="consistent",
        )
        for _ in range(n)
    )


def _queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/clinic/")
    assert response.status_code == 200
    return len(queries)


def test_the_page_costs_the_same_queries_at_150_and_5000_intakes(data_set, client):
    from tests.factories import StaffFactory

    lead = StaffFactory(username="lead1", roles=["Clinic lead"])
    client.force_login(lead)
    _queries(client)  # warm the per-process caches (clinics)
    _intakes(150, data_set)
    small = _queries(client)
    _intakes(4850, data_set)
    assert _queries(client) == small

"""The check-in schedule: 2, 6 and 12 weeks after an evaluation that took place, once each,
only with consent, never after unsubscribing or a cancelled visit; one reminder."""

from datetime import date, datetime, time, timedelta

import pytest

from booking.models import Appointment
from itband.models import OutboxMessage, ReminderSubscription
from itband.reminders import reminders_unsubscribe, subscription_for
from outcomes.models import CheckIn, Enrolment
from outcomes.services import checkin_submit, checkins_send_due, enrolment_create
from tests.clock import NEW_YORK
from tests.factories import AppointmentFactory, booking_clinic
from tests.integration.test_booking_postgres import run_in_threads

pytestmark = pytest.mark.django_db

EVALUATION_DAY = date(2026, 5, 27)  # a Wednesday


def at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), tzinfo=NEW_YORK)


@pytest.fixture
def clinic(reference_data):
    return booking_clinic()


def evaluation(
    clinic, *, day=EVALUATION_DAY, status=Appointment.Status.COMPLETED, opt_in=True, hour=10
):
    start = at(day, hour)
    appointment = AppointmentFactory(
        start=start,
        end=start + timedelta(minutes=60),
        clinician=clinic.clinician,
        location=clinic.location,
        appointment_type=clinic.types["initial-evaluation"],
        status=status,
    )
    if opt_in:
        enrolment_create(appointment=appointment, now=start - timedelta(days=7))
    return appointment


def checkin_emails():
    return list(OutboxMessage.objects.filter(key__startswith="reminder:outcome:").order_by("key"))


def test_check_ins_go_out_2_6_and_12_weeks_after_the_evaluation_once_each(clinic):
    appointment = evaluation(clinic)
    enrolment = appointment.outcome_enrolment
    assert checkins_send_due(now=at(EVALUATION_DAY + timedelta(days=13), 19)) == 0
    week2 = EVALUATION_DAY + timedelta(weeks=2)
    assert checkins_send_due(now=at(week2, 8)) == 1
    assert checkins_send_due(now=at(week2, 8, 15)) == 0  # the job runs again: nothing twice
    assert checkins_send_due(now=at(week2 + timedelta(days=1))) == 0
    assert checkins_send_due(now=at(EVALUATION_DAY + timedelta(weeks=6))) == 1
    assert checkins_send_due(now=at(EVALUATION_DAY + timedelta(weeks=12))) == 1
    assert checkins_send_due(now=at(EVALUATION_DAY + timedelta(weeks=12), 12)) == 0
    emails = checkin_emails()
    assert [m.key for m in emails] == [
        f"reminder:outcome:{enrolment.pk}:12",
        f"reminder:outcome:{enrolment.pk}:2",
        f"reminder:outcome:{enrolment.pk}:6",
    ]
    assert {m.to for m in emails} == {appointment.patient.email}
    kinds = sorted(enrolment.checkins.values_list("kind", flat=True))
    assert kinds == [2, 6, 12]
    message = next(m for m in emails if m.key.endswith(":2"))
    checkin = enrolment.checkins.get(kind=2)
    assert checkin.get_absolute_url() in message.body_text
    assert "2-week check-in" in message.subject
    assert message.headers["List-Unsubscribe"].startswith("<http")
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.topic == f"appointment:{appointment.pk}"


def test_nothing_goes_out_in_the_quiet_hours(clinic):
    evaluation(clinic)
    week2 = EVALUATION_DAY + timedelta(weeks=2)
    assert checkins_send_due(now=at(week2, 7, 59)) == 0
    assert checkins_send_due(now=at(week2, 20, 0)) == 0
    assert checkins_send_due(now=at(week2 + timedelta(days=1), 8)) == 1


def test_no_opt_in_no_check_ins(clinic):
    evaluation(clinic, opt_in=False)
    assert checkins_send_due(now=at(EVALUATION_DAY + timedelta(weeks=2))) == 0
    assert not CheckIn.objects.exists() and not checkin_emails()


def test_only_an_initial_evaluation_enrols(clinic):
    appointment = evaluation(clinic, opt_in=False)
    appointment.appointment_type = clinic.types["follow-up"]
    appointment.save()
    assert enrolment_create(appointment=appointment) is None
    assert not Enrolment.objects.exists()


@pytest.mark.parametrize(
    "status",
    [
        Appointment.Status.CANCELLED_PATIENT,
        Appointment.Status.CANCELLED_CLINIC,
        Appointment.Status.LATE_CANCEL,
        Appointment.Status.NO_SHOW,
        Appointment.Status.BOOKED,
    ],
)
def test_a_visit_that_did_not_happen_gets_no_check_ins(clinic, status):
    evaluation(clinic, status=status)
    assert checkins_send_due(now=at(EVALUATION_DAY + timedelta(weeks=2))) == 0
    assert not CheckIn.objects.exists()


def test_a_checked_in_visit_counts(clinic):
    evaluation(clinic, status=Appointment.Status.CHECKED_IN)
    assert checkins_send_due(now=at(EVALUATION_DAY + timedelta(weeks=2))) == 1


def test_unsubscribing_stops_them_and_cancels_one_waiting(clinic):
    appointment = evaluation(clinic)
    assert checkins_send_due(now=at(EVALUATION_DAY + timedelta(weeks=2))) == 1
    reminders_unsubscribe(subscription=subscription_for(appointment.patient.email.upper()))
    assert checkin_emails()[0].status == OutboxMessage.Status.CANCELLED
    assert checkins_send_due(now=at(EVALUATION_DAY + timedelta(weeks=2, days=4))) == 0  # reminder
    assert checkins_send_due(now=at(EVALUATION_DAY + timedelta(weeks=6))) == 0
    assert checkins_send_due(now=at(EVALUATION_DAY + timedelta(weeks=12))) == 0
    assert len(checkin_emails()) == 1
    assert ReminderSubscription.objects.get().unsubscribed_at is not None


def test_one_reminder_if_not_done_after_4_days(clinic):
    appointment = evaluation(clinic)
    week2 = EVALUATION_DAY + timedelta(weeks=2)
    checkins_send_due(now=at(week2))
    assert checkins_send_due(now=at(week2 + timedelta(days=3), 19)) == 0
    assert checkins_send_due(now=at(week2 + timedelta(days=4))) == 1
    assert checkins_send_due(now=at(week2 + timedelta(days=5))) == 0
    reminder = OutboxMessage.objects.get(key__startswith="reminder:outcome-reminder:")
    assert reminder.to == appointment.patient.email and "reminder" in reminder.subject.lower()
    assert "only reminder" in reminder.body_text


def test_no_reminder_once_submitted(clinic):
    appointment = evaluation(clinic)
    week2 = EVALUATION_DAY + timedelta(weeks=2)
    checkins_send_due(now=at(week2))
    checkin = appointment.outcome_enrolment.checkins.get(kind=2)
    checkin_submit(checkin=checkin, answers={"nprs": 3, "running_status": "reduced", "groc": 4})
    assert checkins_send_due(now=at(week2 + timedelta(days=4))) == 0


def test_a_job_stopped_for_longer_than_the_window_skips_a_stale_check_in(clinic):
    evaluation(clinic)
    late = EVALUATION_DAY + timedelta(weeks=2, days=8)
    assert checkins_send_due(now=at(late)) == 0


@pytest.mark.parametrize(
    ("evaluation_day", "due_day"),
    [
        (date(2027, 3, 1), date(2027, 3, 15)),  # the clocks go forward on Mar 14 in between
        (date(2027, 10, 25), date(2027, 11, 8)),  # and back on Nov 7
        (date(2028, 2, 15), date(2028, 2, 29)),  # a leap day
        (date(2026, 12, 17), date(2026, 12, 31)),  # the year's end
    ],
)
def test_the_due_day_is_counted_on_the_clinic_calendar(clinic, evaluation_day, due_day):
    evaluation(clinic, day=evaluation_day)
    assert checkins_send_due(now=at(due_day - timedelta(days=1), 19, 59)) == 0
    assert checkins_send_due(now=at(due_day, 8)) == 1


@pytest.mark.django_db(transaction=True)
def test_two_workers_at_once_queue_each_check_in_once(reference_data, requires_postgres):
    clinic = booking_clinic()
    for n in range(6):
        evaluation(clinic, day=EVALUATION_DAY - timedelta(days=n % 3), hour=9 + n)
    now = at(EVALUATION_DAY + timedelta(weeks=2, days=1))
    counts = run_in_threads(4, lambda n: checkins_send_due(now=now, batch_size=2))
    assert not [c for c in counts if isinstance(c, Exception)], counts
    assert sum(counts) == 6
    assert CheckIn.objects.count() == 6 and len(checkin_emails()) == 6
    assert checkins_send_due(now=now) == 0


def test_the_celery_task_and_the_periodic_job_run_the_service(clinic, pinned_clock):
    from itband.periodic import periodic_jobs
    from outcomes.tasks import send_due_checkins

    evaluation(clinic)
    pinned_clock.move_to(at(EVALUATION_DAY + timedelta(weeks=2), 9))
    assert send_due_checkins() == 1
    assert periodic_jobs()["outcome-checkins"]() == 0  # the same job: nothing twice

"""Outcome check-ins: the writes. One function per use case (keyword-only, atomic).

- ``on_appointment_booked``: the booking view's announcement (booking.signals) enrols a runner
  who ticked the opt-in for an initial evaluation;
- ``baseline_record`` (the clinician types the answers) or ``baseline_tablet_link`` (a one-time
  link the runner fills on a clinic tablet) at the evaluation;
- ``checkin_save`` (save and resume) and ``checkin_submit`` (once only);
- ``checkins_send_due``: the periodic job. At 2, 6 and 12 weeks after an evaluation that took
  place it creates the check-in and queues its email; after ``OUTCOME_REMINDER_AFTER_DAYS``
  without an answer, one reminder. Only in the clinic's sending hours, never to an
  unsubscribed address; running it twice, or in two workers at once, queues each email once
  (rows claimed with SKIP LOCKED, one check-in per kind by a unique constraint, and an outbox
  key per check-in).
"""

import logging
from datetime import datetime, time, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.db.models.functions import Lower
from django.utils import timezone

from booking.models import Appointment
from booking.signals import offers_outcome_checkins
from itband.models import ReminderSubscription
from itband.reminders import clinic_zone, in_sending_hours, reminder_enqueue

from . import instruments
from .models import CheckIn, Enrolment, new_checkin_token

logger = logging.getLogger(__name__)

# The visit took place: check-ins follow. Never after a cancellation or a no-show.
VISITED = (Appointment.Status.CHECKED_IN, Appointment.Status.COMPLETED)
FOLLOW_UP_KINDS = (CheckIn.Kind.WEEK_2, CheckIn.Kind.WEEK_6, CheckIn.Kind.WEEK_12)


class AlreadySubmitted(Exception):
    message = "This check-in has already been sent. Thank you: there is nothing more to do."


class InvalidCheckIn(Exception):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("invalid check-in")
        self.errors = errors


# --- Enrolment ------------------------------------------------------------------------------
def on_appointment_booked(sender, *, appointment, outcome_checkins: bool = False, **kwargs):
    """booking.signals.appointment_booked: enrol a runner who opted in (nothing otherwise)."""
    if outcome_checkins:
        enrolment_create(appointment=appointment)


@transaction.atomic
def enrolment_create(*, appointment: Appointment, now: datetime | None = None) -> Enrolment | None:
    """Record the runner's consent to check-ins after this evaluation. Twice is once; None for
    an appointment type that is not an initial evaluation."""
    if not offers_outcome_checkins(appointment.appointment_type):
        return None
    enrolment, _ = Enrolment.objects.get_or_create(
        appointment=appointment, defaults={"consented_at": now or timezone.now()}
    )
    return enrolment


# --- Answers ---------------------------------------------------------------------------------
def clean_answers(answers: dict, *, with_groc: bool) -> dict:
    """The answers that can be kept (right names, values in range): for save and resume."""
    kept: dict = {}
    checks = {"nprs": instruments.score_nprs, "running_status": instruments.running_status}
    if with_groc:
        checks["groc"] = instruments.score_groc
    for item in instruments.LEFS.items:
        checks[item.link_id] = instruments.lefs_item
    for name, check in checks.items():
        value = answers.get(name)
        if value in (None, ""):
            continue
        try:
            check(value)
        except instruments.InvalidAnswer:
            continue
        kept[name] = value if name == "running_status" else int(value)
    return kept


def score_answers(answers: dict, *, with_groc: bool) -> dict:
    """The stored scores of a complete check-in, or InvalidCheckIn naming what is missing."""
    errors: dict[str, str] = {}
    scores: dict = {}
    try:
        scores["nprs"] = instruments.score_nprs(answers.get("nprs"))
    except instruments.InvalidAnswer:
        errors["nprs"] = "Choose your worst pain, from 0 to 10."
    try:
        scores["running_status"] = instruments.running_status(answers.get("running_status"))
    except instruments.InvalidAnswer:
        errors["running_status"] = "Choose where your running is now."
    if with_groc:
        try:
            scores["groc"] = instruments.score_groc(answers.get("groc"))
        except instruments.InvalidAnswer:
            errors["groc"] = "Choose how you are now compared with your first visit."
    if errors:
        raise InvalidCheckIn(errors)
    lefs = instruments.score_lefs(answers)  # the form offers only valid values
    scores["lefs_total"] = lefs.total
    scores["lefs_missing"] = lefs.missing
    return scores


def _submit(checkin: CheckIn, answers: dict, *, now: datetime, user=None) -> CheckIn:
    with_groc = not checkin.is_baseline
    kept = clean_answers(answers, with_groc=with_groc)
    scores = score_answers(kept, with_groc=with_groc)
    checkin.answers = kept
    checkin.draft = {}
    checkin.instrument_versions = dict(instruments.INSTRUMENT_VERSIONS)
    checkin.submitted_at = now
    checkin.recorded_by = user
    for name, value in scores.items():
        setattr(checkin, name, value)
    checkin.save()
    return checkin


def _locked(checkin: CheckIn) -> CheckIn:
    return CheckIn.objects.select_for_update().get(pk=checkin.pk)


@transaction.atomic
def checkin_save(*, checkin: CheckIn, answers: dict) -> CheckIn:
    """Keep the answers so far (save and resume). Refused once submitted."""
    checkin = _locked(checkin)
    if checkin.submitted_at is not None:
        raise AlreadySubmitted
    checkin.draft = clean_answers(answers, with_groc=not checkin.is_baseline)
    checkin.save(update_fields=["draft"])
    return checkin


def checkin_submit(*, checkin: CheckIn, answers: dict, now: datetime | None = None) -> CheckIn:
    """Score and store the runner's answers, once: a second submit raises AlreadySubmitted
    (the row is locked, so two submits at once store one). Invalid: InvalidCheckIn, and the
    answers given are kept as the draft (committed, so the runner finds them again)."""
    with transaction.atomic():
        locked = _locked(checkin)
        if locked.submitted_at is not None:
            raise AlreadySubmitted
        try:
            return _submit(locked, answers, now=now or timezone.now())
        except InvalidCheckIn as error:
            locked.draft = clean_answers(answers, with_groc=not locked.is_baseline)
            locked.save(update_fields=["draft"])
            failure = error
    raise failure


@transaction.atomic
def baseline_record(*, enrolment: Enrolment, user, answers: dict, now=None) -> CheckIn:
    """The clinician records the baseline at the evaluation (once)."""
    checkin, _ = CheckIn.objects.get_or_create(
        enrolment=enrolment,
        kind=CheckIn.Kind.BASELINE,
        defaults={"source": CheckIn.Source.CLINICIAN},
    )
    checkin = _locked(checkin)
    if checkin.submitted_at is not None:
        raise AlreadySubmitted
    checkin.source = CheckIn.Source.CLINICIAN
    return _submit(checkin, answers, now=now or timezone.now(), user=user)


@transaction.atomic
def baseline_tablet_link(*, enrolment: Enrolment, now: datetime | None = None) -> CheckIn:
    """A one-time link for the runner to fill the baseline on a clinic tablet, good for the
    day it is made (``tablet_link_expired``): each new link replaces the last (a new token),
    so one left in a tablet's history opens nothing. Refused once the baseline is in."""
    checkin, _ = CheckIn.objects.get_or_create(
        enrolment=enrolment,
        kind=CheckIn.Kind.BASELINE,
        defaults={"source": CheckIn.Source.TABLET},
    )
    checkin = _locked(checkin)
    if checkin.submitted_at is not None:
        raise AlreadySubmitted
    checkin.source = CheckIn.Source.TABLET
    checkin.token = new_checkin_token()
    checkin.sent_at = now or timezone.now()  # when the link was made
    checkin.save(update_fields=["source", "token", "sent_at"])
    return checkin


def tablet_link_expired(checkin: CheckIn, *, now: datetime | None = None) -> bool:
    """A tablet link works on the clinic day it was made only."""
    if not (checkin.is_baseline and checkin.source == CheckIn.Source.TABLET):
        return False
    made = checkin.sent_at or checkin.created_at
    return timezone.localdate(now or timezone.now(), clinic_zone()) != timezone.localdate(
        made, clinic_zone()
    )


# --- The periodic job -------------------------------------------------------------------------
def _local_midnight(day) -> datetime:
    return datetime.combine(day, time(0), tzinfo=clinic_zone())


def _unsubscribed(email_path: str):
    return Exists(
        ReminderSubscription.objects.filter(
            email=Lower(OuterRef(email_path)), unsubscribed_at__isnull=False
        )
    )


def enrolments_due(kind: int, now: datetime):
    """Enrolments whose evaluation took place ``kind`` weeks ago or more (by the clinic's
    calendar: a DST change never moves the day), within the window, without that check-in."""
    today = now.astimezone(clinic_zone()).date()
    last_day = today - timedelta(weeks=kind)
    first_day = last_day - timedelta(days=settings.OUTCOME_CHECKIN_WINDOW_DAYS)
    return (
        Enrolment.objects.filter(
            appointment__status__in=VISITED,
            appointment__start__gte=_local_midnight(first_day),
            appointment__start__lt=_local_midnight(last_day + timedelta(days=1)),
        )
        .exclude(checkins__kind=kind)
        .exclude(_unsubscribed("appointment__patient__email"))
    )


def checkins_due_for_reminder(now: datetime):
    after = now - timedelta(days=settings.OUTCOME_REMINDER_AFTER_DAYS)
    return CheckIn.objects.filter(
        kind__in=FOLLOW_UP_KINDS,
        submitted_at__isnull=True,
        reminded_at__isnull=True,
        sent_at__lte=after,
        sent_at__gt=after - timedelta(days=settings.OUTCOME_CHECKIN_WINDOW_DAYS),
        enrolment__appointment__status__in=VISITED,
    ).exclude(_unsubscribed("enrolment__appointment__patient__email"))


def _email(checkin: CheckIn, *, template: str, key: str):
    appointment = checkin.enrolment.appointment
    return reminder_enqueue(
        key=key,
        to=appointment.patient.email,
        template=template,
        topic=f"appointment:{appointment.pk}",
        context={
            "first_name": appointment.patient.first_name,
            "weeks": checkin.kind,
            "link": settings.SITE_URL + checkin.get_absolute_url(),
            "clinician": appointment.clinician.display_name,
        },
    )


def _send_new(kind: int, now: datetime, batch_size: int) -> int:
    queued = 0
    while True:
        with transaction.atomic():
            batch = list(
                enrolments_due(kind, now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("appointment__patient", "appointment__clinician")
                .order_by("pk")[:batch_size]
            )
            for enrolment in batch:
                checkin, created = CheckIn.objects.get_or_create(
                    enrolment=enrolment, kind=kind, defaults={"source": CheckIn.Source.EMAIL}
                )
                if not created:
                    continue  # another worker's, just committed
                checkin.enrolment = enrolment
                message = _email(
                    checkin, template="outcome_checkin", key=f"outcome:{enrolment.pk}:{kind}"
                )
                if message is not None:
                    checkin.sent_at = now
                    checkin.save(update_fields=["sent_at"])
                    queued += 1
        if len(batch) < batch_size:
            return queued


def _send_reminders(now: datetime, batch_size: int) -> int:
    queued = 0
    while True:
        with transaction.atomic():
            batch = list(
                checkins_due_for_reminder(now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related(
                    "enrolment__appointment__patient", "enrolment__appointment__clinician"
                )
                .order_by("pk")[:batch_size]
            )
            for checkin in batch:
                message = _email(
                    checkin,
                    template="outcome_checkin_reminder",
                    key=f"outcome-reminder:{checkin.pk}",
                )
                queued += message is not None
            CheckIn.objects.filter(pk__in=[c.pk for c in batch]).update(reminded_at=now)
        if len(batch) < batch_size:
            return queued


def checkins_send_due(*, now: datetime | None = None, batch_size: int = 50) -> int:
    """Queue every check-in email and reminder due now; the number queued."""
    now = now or timezone.now()
    if not in_sending_hours(now):
        return 0  # due in the quiet hours: the first run after 08:00 sends it
    queued = sum(_send_new(kind, now, batch_size) for kind in FOLLOW_UP_KINDS)
    queued += _send_reminders(now, batch_size)
    if queued:
        logger.info("queued %d outcome check-in emails", queued)  # counts only, never answers
    return queued

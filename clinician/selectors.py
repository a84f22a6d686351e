"""Reads for the clinician's workspace: the review queue as plain rows, and an intake as the
intake page and the pre-visit brief show it."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models.fields.json import KT
from django.urls import reverse
from django.utils import timezone

from assessments import flow
from assessments.clinical import (
    FLAG_LEVEL_BADGES,
    INFO_FLAG_CODES,
    staff_flag_action,
    suggested_tests,
)
from assessments.models import Submission, driver_label
from assessments.presenters import answer_sections, display_answer, result_context
from assessments.scoring import AGE_QUESTION, AGE_UNDER_18, BOOKING_BLOCKING_LEVELS
from assessments.services import questionnaire_of
from booking.services import ADULT_AGE
from itband.contact import age_on
from itband.datefmt import short_datetime

STATES = (("awaiting", "To review"), ("reviewed", "Reviewed"), ("closed", "Closed"), ("all", "All"))


@dataclass(frozen=True)
class QueueRow:
    pk: int
    url: str
    name: str
    flag: str
    driver: str
    next_visit: str
    submitted: str
    state: str
    waiting: str = ""
    info: str = ""
    waiting_changes_at: datetime | None = None  # when ``waiting`` next reads differently


# The queue reads these columns only, as plain values (no model instances, no JSON).
QUEUE_COLUMNS = (
    "pk",
    "first_name",
    "last_name",
    "highest_flag",
    "primary_driver",
    "questionnaire_version",
    "next_visit_at",
    "submitted_at",
    "reviewed_at",
    "closed_at",
    "reviewed_by__first_name",
    "reviewed_by__last_name",
    "reviewed_by__username",
)


# How the queue says a wait: (unit, shown in this unit below this many units, label).
WAIT_UNITS = (
    (timedelta(minutes=1), 60, "min"),
    (timedelta(hours=1), 48, "h"),
    (timedelta(days=1), None, "days"),
)


def waiting(since: datetime, now: datetime) -> tuple[str, datetime]:
    """How long an intake has waited, as the queue says it ("waiting 3 h"), and the next
    moment that reads differently."""
    waited = max(now - since, timedelta(0))
    for unit, below, label in WAIT_UNITS:
        count = int(waited / unit)
        if below is None or count < below:
            return f"waiting {count} {label}", since + unit * (count + 1)
    raise AssertionError("the last unit has no limit")


def queue_rows(intakes, now: datetime | None = None) -> list[QueueRow]:
    """Rows for the queue table from ``QUEUE_COLUMNS`` values. An emergency or urgent intake
    still to review says how long it has waited."""
    intake_url = reverse("clinician:intake", args=[0]).removesuffix("0/")
    now = now or timezone.now()
    intakes = list(intakes)
    flag_codes = first_flag_codes([intake["pk"] for intake in intakes])
    rows = []
    for intake in intakes:
        if intake["reviewed_at"]:
            reviewer = f"{intake['reviewed_by__first_name']} {intake['reviewed_by__last_name']}"
            state = f"Reviewed by {reviewer.strip() or intake['reviewed_by__username']}"
        else:
            state = "Closed" if intake["closed_at"] else "To review"
        name = f"{intake['first_name']} {intake['last_name']}".strip()
        next_visit = intake["next_visit_at"]
        flag = intake["highest_flag"]
        first_code, second_code = flag_codes.get(intake["pk"], (None, None))
        info_only = first_code in INFO_FLAG_CODES and not second_code
        waits = (
            intake["highest_flag"] in BOOKING_BLOCKING_LEVELS
            and not intake["reviewed_at"]
            and not intake["closed_at"]
        )
        wait = waiting(intake["submitted_at"], now) if waits else None
        rows.append(
            QueueRow(
                pk=intake["pk"],
                url=f"{intake_url}{intake['pk']}/",
                name=name or "Name not given",
                flag="" if info_only else flag,
                info="Under 18" if info_only else "",
                driver=driver_label(intake["primary_driver"], intake["questionnaire_version"]),
                next_visit=short_datetime(next_visit) if next_visit else "",
                submitted=short_datetime(intake["submitted_at"], weekday=False),
                state=state,
                waiting=wait[0] if wait else "",
                waiting_changes_at=wait[1] if wait else None,
            )
        )
    return rows


def review_queue(*, state: str, location: str = "", clinician_user=None):
    """The queue's intakes in order (red flags first, then by visit), as ``QUEUE_COLUMNS``
    values: paged by the view."""
    return Submission.objects.review_queue(
        state=state, location=location, clinician_user=clinician_user
    ).values(*QUEUE_COLUMNS)


def first_flag_codes(pks: list[int]) -> dict[int, tuple[str | None, str | None]]:
    """The codes of the first two stored flags of the page's intakes (an intake whose only
    flag is information, "under 18", shows no flag badge). A query of its own, for one page:
    read in the queue's query, the JSON of every waiting intake was decoded before the sort
    (15 ms of 19 with 950 waiting)."""
    return {
        pk: (first, second)
        for pk, first, second in Submission.objects.filter(pk__in=pks)
        .annotate(first=KT("result__flags__0__code"), second=KT("result__flags__1__code"))
        .values_list("pk", "first", "second")
    }


# -- the intake and the brief -------------------------------------------------------------------

# The pain story, in the order a clinician takes a history: (linkId, label). A linkId the
# intake's questionnaire version does not ask is left out; FOLLOW_UPS only when answered.
PAIN_STORY = (
    ("pain_side", "Side"),
    ("pain_location", "Where"),
    ("pain_worst", "Worst pain"),
    ("pain_rest", "Pain at rest"),
    ("pain_duration", "For how long"),
    ("pain_onset", "Onset"),
    ("pain_downhill", "Worse downhill"),
    ("tried", "Tried"),
    ("tried_other", "Tried (other)"),
    ("tried_helped", "Did it help"),
    ("next_race", "Next race"),
    ("next_race_name", "Race"),
)
FOLLOW_UPS = frozenset({"tried_other", "tried_helped", "next_race_name"})
# The steps of background facts (collapsed on the intake page); every other step stays open.
BACKGROUND_STEPS = frozenset({"about-you", "your-running"})
# The steps of the home self-tests: an unanswered question there was not tested.
SELF_TEST_STEPS = frozenset(
    {"hip-mobility", "strength-balance", "pelvic-position", "movement-technique"}
)
NOT_TESTED = "Not tested"


def pain_story(questionnaire, answers: dict) -> list[dict]:
    """The runner's pain in their answers, first on the brief."""
    story = []
    for link_id, label in PAIN_STORY:
        try:
            question = questionnaire.question(link_id)
        except KeyError:
            continue
        value = answers.get(link_id)
        if value is None and link_id in FOLLOW_UPS:
            continue
        story.append(
            {
                "link_id": link_id,
                "label": label,
                "answer": display_answer(question, value),
                "answered": value is not None,
            }
        )
    return story


def finding_questions(result) -> frozenset[str]:
    """The linkIds of the answers that moved a driver's score (the abnormal findings)."""
    drivers = (*result.drivers, result.training_load)
    found = set()
    for driver in drivers:
        for reason in (*driver.reasons, *getattr(driver, "look_at", ())):
            if reason.points > 0:
                found.add(reason.question)
    return frozenset(found)


def clinician_sections(questionnaire, answers: dict, result, modules: list[dict]) -> list[dict]:
    """Every answer by step, for the clinician: background collapsed, the rest open; the
    answers that scored marked abnormal; an unanswered self-test reads "Not tested" (never
    as 0), and a version 2 module not done says so."""
    abnormal = finding_questions(result)
    module_of_step = {slug: module.key for module in questionnaire.modules for slug in module.steps}
    done = {module["key"] for module in modules if module["done"]}
    sections = answer_sections(questionnaire, answers)
    for section in sections:
        slug = section["slug"]
        module = module_of_step.get(slug)
        section["open"] = slug not in BACKGROUND_STEPS
        section["not_done"] = module is not None and module not in done
        for item in section["items"]:
            item["abnormal"] = item["answered"] and item["link_id"] in abnormal
            item["not_tested"] = slug in SELF_TEST_STEPS and not item["answered"]
            if item["not_tested"]:
                item["answer"] = NOT_TESTED
    return sections


@dataclass(frozen=True)
class FlagAction:
    level: str
    code: str
    title: str
    action: str
    badge_class: str
    badge_label: str


def flag_actions(result) -> list[FlagAction]:
    """The intake's flags as what the clinician should do, most serious first; facts such as
    "under 18" are shown with the runner's age instead."""
    actions = []
    for flag in result.flags:
        if flag.code in INFO_FLAG_CODES:
            continue
        badge_class, badge_label = FLAG_LEVEL_BADGES.get(flag.level, ("badge flag-soft", ""))
        actions.append(
            FlagAction(
                level=flag.level,
                code=flag.code,
                title=flag.title,
                action=staff_flag_action(flag.code, flag.advice),
                badge_class=badge_class,
                badge_label=badge_label,
            )
        )
    return actions


@dataclass(frozen=True)
class Guardian:
    name: str
    phone: str
    email: str
    consent_at: object


def runner_age(submission: Submission, appointments) -> dict:
    """Age (from the date of birth, else the age band answered), whether a minor, and the
    parent or guardian given at booking."""
    today = timezone.localdate()
    band = submission.answers.get(AGE_QUESTION)
    age = age_on(submission.date_of_birth, today) if submission.date_of_birth else None
    minor = age < ADULT_AGE if age is not None else band == AGE_UNDER_18
    guardian = None
    for appointment in appointments:
        patient = appointment.patient
        if patient.guardian_name:
            guardian = Guardian(
                name=patient.guardian_name,
                phone=patient.guardian_phone,
                email=patient.guardian_email,
                consent_at=patient.guardian_consent_at,
            )
            break
    band_label = ""
    if band:
        try:
            band_label = display_answer(questionnaire_of(submission).question(AGE_QUESTION), band)
        except KeyError:
            band_label = ""
    return {"age": age, "age_band": band_label, "minor": minor, "guardian": guardian}


def intake_context(submission: Submission) -> dict:
    """What the intake page and the brief show (queries: the appointments with their people,
    the notes)."""
    questionnaire = questionnaire_of(submission)
    result = result_context(submission)
    appointments = list(
        submission.appointments.select_related(
            "clinician", "location", "appointment_type", "patient"
        ).order_by("start")
    )
    stored = result["result"]
    return {
        "submission": submission,
        "questionnaire": questionnaire,
        # A red flag ended the questionnaire at its step: the later steps were never asked.
        "stopped_early": submission.has_red_flag
        and flow.first_incomplete_step(questionnaire, submission.answers, submission.progress)
        is not None,
        "pain_story": pain_story(questionnaire, submission.answers),
        # Not "sections": version 2's result context uses that name for its explanations.
        "answers": clinician_sections(
            questionnaire, submission.answers, stored, result.get("modules", [])
        ),
        "flag_actions": flag_actions(stored),
        "tests": suggested_tests(list(stored.primary), submission.itb_likelihood),
        "appointments": appointments,
        "notes": list(submission.notes.select_related("author")),
        **runner_age(submission, appointments),
        **result,
    }


def next_awaiting_intake(*, after_pk: int) -> int | None:
    """The first intake still awaiting review in the queue's order (another than ``after_pk``)."""
    return (
        Submission.objects.review_queue(state="awaiting")
        .exclude(pk=after_pk)
        .values_list("pk", flat=True)
        .first()
    )

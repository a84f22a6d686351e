"""Workflows of the self-assessment: start, save a step, submit, email a link, clean up."""

import hashlib
import logging
from dataclasses import dataclass
from datetime import date
from urllib.parse import urlencode

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from itband.outbox import outbox_enqueue
from itband.roles import CLINICIAN, has_role

from . import scoring
from .flow import first_incomplete_step
from .models import Submission
from .questionnaire import CURRENT, Questionnaire, get_version
from .scoring_v2 import ResultV2, score_for

logger = logging.getLogger(__name__)


class AssessmentError(Exception):
    """A workflow rule was broken; the message is fit to show the runner."""


class NotComplete(AssessmentError):
    pass


@dataclass(frozen=True)
class Contact:
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    phone: str = ""
    date_of_birth: date | None = None


def questionnaire_of(submission: Submission) -> Questionnaire:
    return get_version(submission.questionnaire_version)


def submission_start(
    *, email: str = "", remind_me: bool = False, version: str | None = None
) -> Submission:
    """A new draft on the current questionnaire (or on ``version``, for the demo data and for
    tests that walk an older version), after the runner consented. ``remind_me``: the runner
    ticked the box for one reminder if they stop (only with an email)."""
    questionnaire = CURRENT if version is None else get_version(version)
    return Submission.objects.create(
        questionnaire_version=questionnaire.version,
        consented_at=timezone.now(),
        email=email,
        remind_me=bool(email and remind_me),
    )


@transaction.atomic
def submission_save_step(
    *, submission: Submission, step_slug: str, step_answers: dict, complete: bool
) -> Submission:
    """Merge one step's answers into the draft; ``complete`` marks the step as done.

    Answers to questions hidden by the new answers are dropped, so a changed branch never
    leaves stale findings behind.
    """
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.is_submitted:
        raise AssessmentError("This assessment was already submitted.")
    questionnaire = questionnaire_of(submission)
    step = questionnaire.step(step_slug)
    merged = {
        key: value
        for key, value in submission.answers.items()
        if key not in {q.link_id for q in step.questions}
    }
    merged.update(step_answers)
    submission.answers = questionnaire.clean_answers(merged)
    completed = [slug for slug in submission.progress if slug != step_slug]
    if complete:
        completed.append(step_slug)
    submission.progress = [s.slug for s in questionnaire.steps if s.slug in completed]
    submission.save(update_fields=["answers", "progress", "updated_at"])
    if scoring.ends_questionnaire(submission.answers):
        # An emergency or urgent answer ends the questionnaire here, whichever button was
        # pressed: stored as submitted with its flag, so no later step opens for this token.
        return submission_stop_for_safety(submission=submission)
    return submission


@transaction.atomic
def submission_stop_for_safety(*, submission: Submission) -> Submission:
    """Submit a draft whose answers raise an emergency or urgent flag, without the steps
    still to come: the runner gets the safety page and the clinician the flagged intake.

    Only the contact details given so far are kept (an email from the consent page, if any):
    the runner is not asked for more on the way to urgent care."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.is_submitted:
        return submission
    if not scoring.ends_questionnaire(submission.answers):
        raise AssessmentError("These answers do not end the questionnaire.")
    _store_result(submission, score_for(questionnaire_of(submission), submission.answers))
    return submission


@transaction.atomic
def submission_submit(*, submission: Submission, contact: Contact) -> Submission:
    """Score the draft and store the result. Submitting twice returns the first submission."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.is_submitted:
        return submission
    questionnaire = questionnaire_of(submission)
    if first_incomplete_step(questionnaire, submission.answers, submission.progress):
        raise NotComplete("Some steps still need answers.")
    submission.first_name = contact.first_name
    submission.last_name = contact.last_name
    submission.email = contact.email or submission.email
    submission.phone = contact.phone
    submission.date_of_birth = contact.date_of_birth
    _store_result(submission, score_for(questionnaire, submission.answers))
    return submission


class ModuleNotOpen(AssessmentError):
    pass


@transaction.atomic
def submission_save_module(
    *, submission: Submission, module_key: str, module_answers: dict
) -> Submission:
    """Store the answers of one optional module (version 2's home tests) on a submitted intake
    and rescore it with its own version's rubric, so the runner's profile and the clinician's
    view show the module as done. Modules come in any order, before or after booking; doing one
    again replaces its answers. The core answers, the flags and the submission time stay."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    questionnaire = questionnaire_of(submission)
    if not submission.is_submitted or submission.has_red_flag:
        raise ModuleNotOpen("The home tests open with your result.")
    try:
        own = {question.link_id for question in questionnaire.module_questions(module_key)}
    except KeyError:
        raise ModuleNotOpen("There is no such home test.") from None
    merged = {key: value for key, value in submission.answers.items() if key not in own}
    merged.update({key: value for key, value in module_answers.items() if key in own})
    submission.answers = questionnaire.clean_answers(merged)
    result = score_for(questionnaire, submission.answers)
    submission.result = result.as_dict()
    submission.primary_driver = result.primary[0] if result.primary else ""
    submission.save(update_fields=["answers", "result", "primary_driver", "updated_at"])
    return submission


def _store_result(submission: Submission, result: scoring.Result | ResultV2) -> None:
    """Store the result as computed now and email the link. A version 1 result is never
    rescored; a version 2 result is again only when the runner adds a module."""
    submission.result = result.as_dict()
    submission.primary_driver = result.primary[0] if result.primary else ""
    submission.highest_flag = result.highest_flag or ""
    submission.flag_rank = Submission.FLAG_RANKS[submission.highest_flag]
    submission.itb_likelihood = result.itb_likelihood
    submission.status = Submission.Status.SUBMITTED
    submission.submitted_at = timezone.now()
    submission.save()
    if submission.email:
        _enqueue_link(submission, submission.email, kind="result")


def _result_email_context(submission: Submission) -> dict:
    """A version 2 result's email carries its headline and a Book button (the issue's "not
    only a link"); a version 1 result's email, and any flagged result's, the link only."""
    result = submission.result or {}
    headline = result.get("headline")
    if result.get("schema") != 2 or not headline or not result.get("booking_allowed"):
        return {}
    query = urlencode(
        {"intake": submission.token, "type": result.get("recommended_appointment") or ""}
    )
    sentences = [headline["pattern"], headline["trigger"], headline["will_check_text"]]
    return {
        "headline": [sentence for sentence in sentences if sentence],
        "book_link": f"{settings.SITE_URL}{reverse('booking:start')}?{query}",
    }


def _enqueue_link(submission: Submission, email: str, *, kind: str) -> None:
    """Email the runner their private link (and a version 2 result's headline)."""
    context = {"first_name": submission.first_name}
    if kind == "result":
        path = reverse("assessments:result", args=[submission.token])
        context.update(_result_email_context(submission))
    else:
        path = reverse("assessments:resume", args=[submission.token])
    digest = hashlib.sha256(email.lower().encode()).hexdigest()[:16]
    minute = timezone.now().strftime("%Y%m%d%H%M")
    outbox_enqueue(
        # One email per address per minute: a double click or reload sends one.
        key=f"assessment:{submission.pk}:{kind}:{digest}:{minute}",
        to=email,
        template=f"assessment_{kind}_link",
        context={"link": settings.SITE_URL + path, **context},
        topic=f"submission:{submission.pk}",
    )


@transaction.atomic
def submission_email_link(
    *, submission: Submission, email: str, remind_me: bool | None = None
) -> None:
    """Send the resume link (draft) or the result link (submitted) to ``email``.

    ``remind_me`` (the save-and-resume page's box; None where the page has none) sets the
    draft's one reminder on or off; when on, it goes to this address. Updated without a save,
    so the draft's last-answer time (updated_at) is not moved."""
    drafts = Submission.objects.filter(pk=submission.pk, status=Submission.Status.DRAFT)
    if remind_me:
        drafts.update(email=email, remind_me=True)
    elif remind_me is not None:
        drafts.update(remind_me=False)
    if not submission.email:
        # A save, not update(): staff pages kept per process hear of it (a runner stopped at
        # a red flag before giving an email is then known by this address on the desk's day).
        locked = Submission.objects.select_for_update().get(pk=submission.pk)
        if not locked.email:
            locked.email = email
            locked.save(update_fields=["email"])
    _enqueue_link(submission, email, kind="result" if submission.is_submitted else "resume")


def drafts_purge_expired(now=None) -> int:
    """Delete drafts untouched for DRAFT_RETENTION_DAYS (the privacy notice promises it)."""
    deleted, _ = Submission.objects.expired_drafts(now).delete()
    if deleted:
        logger.info("deleted %d expired assessment drafts", deleted)
    return deleted


@transaction.atomic
def submission_mark_reviewed(*, submission: Submission, user) -> Submission:
    """Record who reviewed the intake and when. Reviewing twice keeps the first record."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.reviewed_at is None:
        submission.reviewed_at = timezone.now()
        submission.reviewed_by = user
        submission.save(update_fields=["reviewed_at", "reviewed_by", "updated_at"])
    return submission


@transaction.atomic
def submission_record_contact(*, submission: Submission, user, note: str) -> Submission:
    """The clinician reached the runner (e.g. about a red flag); the note says what was said."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    submission.contacted_at = timezone.now()
    submission.save(update_fields=["contacted_at", "updated_at"])
    clinician_note_add(submission=submission, author=user, body=f"Contacted the runner. {note}")
    return submission


@transaction.atomic
def submission_close(*, submission: Submission, user, reason: str) -> Submission:
    """Close an intake without a visit (e.g. sent to urgent care), with the reason as a note."""
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if submission.closed_at is None:
        submission.closed_at = timezone.now()
        submission.save(update_fields=["closed_at", "updated_at"])
        clinician_note_add(
            submission=submission, author=user, body=f"Closed without a visit: {reason}"
        )
    return submission


class FlagNotClearable(AssessmentError):
    pass


@transaction.atomic
def submission_clear_flag(*, submission: Submission, user, note: str) -> Submission:
    """A clinician lifts an emergency or urgent flag's block on online booking after a phone
    triage (e.g. "seen by GP, cleared for evaluation"). The flag stays on the record; the note
    is kept with the clearance and in the private notes. Clinicians only: never the desk."""
    if not has_role(user, CLINICIAN):
        raise PermissionDenied("Only a clinician can clear a red flag.")
    note = note.strip()
    if not note:
        raise FlagNotClearable("Please say why the flag can be cleared.")
    submission = Submission.objects.select_for_update().get(pk=submission.pk)
    if not (submission.is_submitted and submission.has_red_flag):
        raise FlagNotClearable("This intake has no emergency or urgent flag.")
    if submission.flag_cleared_at is None:
        submission.flag_cleared_at = timezone.now()
        submission.flag_cleared_by = user
        submission.flag_clear_note = note[:1000]
        submission.save(
            update_fields=["flag_cleared_at", "flag_cleared_by", "flag_clear_note", "updated_at"]
        )
        clinician_note_add(
            submission=submission, author=user, body=f"Red flag cleared for booking: {note}"
        )
    return submission


def clinician_note_add(*, submission: Submission, author, body: str):
    from .models import ClinicianNote

    return ClinicianNote.objects.create(submission=submission, author=author, body=body.strip())

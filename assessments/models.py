"""A runner's self-assessment: a draft while they answer, a submission once scored."""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Case, Count, F, Q, When
from django.urls import reverse
from django.utils import timezone

from .scoring import BOOKING_BLOCKING_LEVELS


def new_token() -> str:
    """256 bits from the OS: the only key to a runner's answers."""
    return secrets.token_urlsafe(32)


class SubmissionQuerySet(models.QuerySet):
    def drafts(self):
        return self.filter(status=Submission.Status.DRAFT)

    def submitted(self):
        return self.filter(status=Submission.Status.SUBMITTED)

    def expired_drafts(self, now=None):
        now = now or timezone.now()
        cutoff = now - timedelta(days=settings.DRAFT_RETENTION_DAYS)
        return self.drafts().filter(updated_at__lt=cutoff)

    def awaiting_review(self):
        return self.submitted().filter(reviewed_at__isnull=True, closed_at__isnull=True)

    def review_state_counts(self) -> dict[str, int]:
        """How many intakes await review, and how many of those carry a red flag: one query
        over the queue's partial index, so it costs what the backlog is, not the years of
        reviewed intakes behind it. (flag_rank is never null: counting it counts rows, and
        it is the index's first column, so PostgreSQL answers from the index alone.)"""
        return self.awaiting_review().aggregate(
            awaiting=Count("flag_rank"), flagged=Count("flag_rank", filter=Q(flag_rank__lt=3))
        )

    def review_queue(self, *, state: str = "awaiting", location: str = "", clinician_user=None):
        """The clinician's queue: red flags first (emergency, urgent, soft); emergency and
        urgent intakes by how long they have waited (longest first), the others by the date
        of the next visit, then submission time. The filters read appointment facts through the
        reverse relation of the appointment's foreign key (this app never imports booking)."""
        queryset = self.submitted()
        if state == "awaiting":
            queryset = queryset.filter(reviewed_at__isnull=True, closed_at__isnull=True)
        elif state == "reviewed":
            queryset = queryset.filter(reviewed_at__isnull=False)
        elif state == "closed":
            queryset = queryset.filter(closed_at__isnull=False, reviewed_at__isnull=True)
        if location:
            queryset = queryset.filter(appointments__location__slug=location)
        if clinician_user is not None:
            queryset = queryset.filter(appointments__clinician__user=clinician_user)
        if location or clinician_user is not None:
            queryset = queryset.distinct()  # several visits at one clinic: one row
        waited = Case(When(flag_rank__lt=Submission.FLAG_RANKS["soft"], then=F("submitted_at")))
        return queryset.select_related("reviewed_by").order_by(
            "flag_rank",
            waited.asc(nulls_last=True),
            F("next_visit_at").asc(nulls_last=True),
            "submitted_at",
            "pk",
        )


class Submission(models.Model):
    """One runner's answers to one questionnaire version.

    A draft keeps answers as they are given (behind ``token``); ``submission_submit`` scores
    it once and stores the result as it was computed, so later versions never rescore it.
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"

    FLAG_RANKS = {"emergency": 0, "urgent": 1, "soft": 2, "": 3}

    class Flag(models.TextChoices):
        NONE = "", "None"
        SOFT = "soft", "Soft"
        URGENT = "urgent", "Urgent"
        EMERGENCY = "emergency", "Emergency"

    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    questionnaire_version = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=Status, default=Status.DRAFT)
    answers = models.JSONField(default=dict, blank=True)
    # Slugs of the steps the runner has moved past (see assessments.flow).
    progress = models.JSONField(default=list, blank=True)
    consented_at = models.DateTimeField()

    # Contact details: optional, given to be emailed a link and to pre-fill the booking.
    first_name = models.CharField(max_length=100, blank=True)
    last_name = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    phone = models.CharField(max_length=30, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    # The runner ticked "remind me" (never pre-ticked) where they gave an email during the
    # questionnaire: one reminder if the draft is left unfinished (assessments.reminders).
    remind_me = models.BooleanField(default=False)
    # When the periodic job decided each reminder (sent, or skipped for good: unsubscribed,
    # flagged, booked); it looks at a submission once. Set by UPDATE, so updated_at (the
    # draft's last answer, and its retention clock) stays as the runner left it.
    draft_reminder_checked_at = models.DateTimeField(null=True, blank=True, editable=False)
    result_reminder_checked_at = models.DateTimeField(null=True, blank=True, editable=False)

    # Stored at submit time (Result.as_dict()); the columns below are copies for queries.
    result = models.JSONField(null=True, blank=True)
    primary_driver = models.CharField(max_length=30, blank=True)
    highest_flag = models.CharField(max_length=10, choices=Flag, blank=True, default="")
    itb_likelihood = models.CharField(max_length=12, blank=True)
    # The review queue's sort keys, kept on the row so the queue is an index scan:
    # 0 emergency, 1 urgent, 2 soft, 3 none (set at submit), and the next booked visit
    # (refreshed by the booking services whenever a linked appointment changes).
    flag_rank = models.PositiveSmallIntegerField(default=3)
    next_visit_at = models.DateTimeField(null=True, blank=True)

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)

    # Clinician review.
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="reviewed_submissions",
    )
    contacted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(
        null=True, blank=True, help_text="Closed without a visit (e.g. sent to urgent care)."
    )
    # An emergency or urgent flag blocks online booking (booking.rules) until a clinician
    # clears it after a phone triage; the flag itself stays on the record.
    flag_cleared_at = models.DateTimeField(null=True, blank=True)
    flag_cleared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="cleared_flags",
    )
    flag_clear_note = models.TextField(blank=True, max_length=1000)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["status", "updated_at"], name="submission_status_idx"),
            models.Index(fields=["email"], name="submission_email_idx"),
            # Narrow, so the queue's per-state counts are an index-only scan (the rows carry
            # kilobytes of answers).
            models.Index(
                fields=["status", "reviewed_at", "closed_at", "flag_rank"],
                include=["id"],  # COUNT(id) reads nothing else (PostgreSQL; ignored elsewhere)
                name="submission_state_idx",
            ),
            # The booking rule's lookup (booking.rules): uncleared emergency or urgent intakes,
            # a few rows however many intakes there are.
            models.Index(
                fields=["submitted_at"],
                name="submission_red_flag_idx",
                condition=models.Q(
                    highest_flag__in=tuple(sorted(BOOKING_BLOCKING_LEVELS)),
                    flag_cleared_at__isnull=True,
                ),
            ),
            models.Index(
                fields=["flag_rank", "next_visit_at", "submitted_at"],
                name="submission_queue_idx",
                condition=models.Q(
                    status="submitted", reviewed_at__isnull=True, closed_at__isnull=True
                ),
            ),
            # The reminder job's scans (assessments.reminders, booking.followups): the rows not
            # yet looked at, a day's worth however many intakes there are.
            models.Index(
                fields=["updated_at"],
                name="submission_draft_remind_idx",
                condition=models.Q(
                    status="draft", remind_me=True, draft_reminder_checked_at__isnull=True
                ),
            ),
            models.Index(
                fields=["submitted_at"],
                name="submission_result_remind_idx",
                condition=models.Q(status="submitted", result_reminder_checked_at__isnull=True),
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(status="draft") | models.Q(submitted_at__isnull=False),
                name="submission_submitted_has_time",
            ),
        ]

    def __str__(self) -> str:
        return f"Intake {self.pk} ({self.get_status_display()})"

    def get_absolute_url(self) -> str:
        if self.status == self.Status.SUBMITTED:
            return reverse("assessments:result", args=[self.token])
        return reverse("assessments:resume", args=[self.token])

    @property
    def is_submitted(self) -> bool:
        return self.status == self.Status.SUBMITTED

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    @property
    def primary_driver_label(self) -> str:
        return driver_label(self.primary_driver, self.questionnaire_version)

    @property
    def has_red_flag(self) -> bool:
        """An emergency or urgent flag: the runner gets the safety page, not a result."""
        return self.highest_flag in BOOKING_BLOCKING_LEVELS

    @property
    def flag_cleared(self) -> bool:
        return self.flag_cleared_at is not None

    @property
    def recommended_appointment(self) -> str | None:
        return (self.result or {}).get("recommended_appointment")


class ClinicianNote(models.Model):
    """A clinician's private note on an intake. Never shown to the runner or the front desk;
    notes are added, not edited, so the record of what was known when stays intact."""

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="notes")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT)
    body = models.TextField(max_length=4000)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"Note by {self.author} on intake {self.submission_id}"


def driver_label(primary_driver: str, questionnaire_version: str) -> str:
    """The likely driver as staff lists name it. Version 2 measures the drivers only in the
    optional home tests, so no driver there means "not clear yet", not "none"."""
    from .scoring import DRIVER_LABELS

    if primary_driver in DRIVER_LABELS:
        return DRIVER_LABELS[primary_driver]
    return (
        "No clear driver" if questionnaire_version == "1" else "Not clear yet (home tests optional)"
    )

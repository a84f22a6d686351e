"""Outcome check-ins: a runner's consent to them (one enrolment per initial evaluation) and
each measurement (the baseline at the evaluation, then 2, 6 and 12 weeks after it)."""

import secrets

from django.conf import settings
from django.db import models
from django.urls import reverse


def new_checkin_token() -> str:
    return secrets.token_urlsafe(32)


class Enrolment(models.Model):
    """The runner asked, when booking an initial evaluation, for check-ins after it."""

    appointment = models.OneToOneField(
        "booking.Appointment", on_delete=models.CASCADE, related_name="outcome_enrolment"
    )
    consented_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "outcome enrolment"

    def __str__(self) -> str:
        return f"Outcome check-ins for appointment {self.appointment_id}"


class CheckInQuerySet(models.QuerySet):
    def submitted(self):
        return self.filter(submitted_at__isnull=False)


class CheckIn(models.Model):
    """One measurement: NPRS, LEFS and running status (and GROC after the baseline). Reached by
    the runner only through its unguessable token; submitted once."""

    class Kind(models.IntegerChoices):
        BASELINE = 0, "Baseline (evaluation)"
        WEEK_2 = 2, "2 weeks"
        WEEK_6 = 6, "6 weeks"
        WEEK_12 = 12, "12 weeks"

    class Source(models.TextChoices):
        CLINICIAN = "clinician", "Recorded by the clinician"
        TABLET = "tablet", "Filled in at the clinic"
        EMAIL = "email", "Through the emailed link"

    enrolment = models.ForeignKey(Enrolment, on_delete=models.CASCADE, related_name="checkins")
    kind = models.PositiveSmallIntegerField(choices=Kind)
    source = models.CharField(max_length=10, choices=Source)
    token = models.CharField(max_length=64, unique=True, default=new_checkin_token)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    reminded_at = models.DateTimeField(null=True, blank=True)
    # Save and resume: the answers so far (never logged).
    draft = models.JSONField(default=dict, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    instrument_versions = models.JSONField(default=dict, blank=True)
    answers = models.JSONField(default=dict, blank=True)
    nprs = models.PositiveSmallIntegerField(null=True, blank=True)
    lefs_total = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Empty when more than 2 LEFS items were missing."
    )
    lefs_missing = models.PositiveSmallIntegerField(null=True, blank=True)
    running_status = models.CharField(max_length=12, blank=True)
    groc = models.SmallIntegerField(null=True, blank=True)

    objects = CheckInQuerySet.as_manager()

    class Meta:
        ordering = ["kind"]
        constraints = [
            models.UniqueConstraint(fields=["enrolment", "kind"], name="one_checkin_per_kind"),
            models.CheckConstraint(
                condition=models.Q(nprs__isnull=True) | models.Q(nprs__lte=10),
                name="checkin_nprs_range",
            ),
            models.CheckConstraint(
                condition=models.Q(lefs_total__isnull=True) | models.Q(lefs_total__lte=80),
                name="checkin_lefs_range",
            ),
            models.CheckConstraint(
                condition=models.Q(groc__isnull=True) | models.Q(groc__gte=-7, groc__lte=7),
                name="checkin_groc_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} check-in {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("outcomes:checkin", args=[self.token])

    @property
    def is_baseline(self) -> bool:
        return self.kind == self.Kind.BASELINE

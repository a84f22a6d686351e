"""Project-wide models: the staff user, the email outbox and the clinic's editable pages."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.urls import reverse
from django.utils import timezone


class User(AbstractUser):
    """Staff account. Runners have no account: they reach their data through tokens."""

    class Meta:
        verbose_name = "staff user"

    def __str__(self) -> str:
        return self.get_full_name() or self.username


class OutboxMessageQuerySet(models.QuerySet):
    def due(self, now=None):
        now = now or timezone.now()
        return self.filter(status=OutboxMessage.Status.PENDING, next_attempt_at__lte=now)

    def for_topic(self, topic: str):
        return self.filter(topic=topic).order_by("-created_at")


class OutboxMessage(models.Model):
    """One outgoing email, written in the same transaction as the change that causes it.

    The relay (``itband.outbox.outbox_relay``) sends due rows; the unique ``key`` makes an
    enqueue idempotent, and the rows double as the message log shown per appointment.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    key = models.CharField(max_length=200, unique=True)
    topic = models.CharField(
        max_length=100, blank=True, db_index=True, help_text="What it is about, e.g. appointment:42"
    )
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    # [{"filename": ..., "content": <text>, "mimetype": ...}], e.g. a calendar file.
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    last_error = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    objects = OutboxMessageQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="outbox_due_idx")]
        verbose_name = "outgoing email"

    def __str__(self) -> str:
        return f"{self.subject} ({self.get_status_display()})"


class SitePage(models.Model):
    """A text the clinic admin edits in /admin/: the privacy notice, the cancellation policy."""

    PRIVACY = "privacy"
    CANCELLATION_POLICY = "cancellation-policy"

    slug = models.SlugField(unique=True)
    title = models.CharField(max_length=200)
    body = models.TextField(help_text="Plain text. Blank lines separate paragraphs.")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("page", args=[self.slug])

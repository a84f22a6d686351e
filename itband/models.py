"""Project-wide models: the staff user, the email outbox, the editable pages, the audit log."""

import secrets

from django.conf import settings
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
        # Never sent on purpose, e.g. a reminder to an address unsubscribed before the relay ran.
        CANCELLED = "cancelled", "Cancelled"

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
    # Extra headers for the relay, e.g. List-Unsubscribe on reminders: {"Name": "value"}.
    headers = models.JSONField(default=dict, blank=True)
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


def new_unsubscribe_token() -> str:
    """256 bits from the OS: the unsubscribe link's only key (never an id or the address)."""
    return secrets.token_urlsafe(32)


class ReminderSubscription(models.Model):
    """Whether an email address still takes the clinic's reminders (an unfinished assessment,
    a result without a booking), and the token of its one-click unsubscribe link.

    Keyed by the normalised address, not kept on a submission: a runner may start several
    assessments, and "stop emailing me" means this address, whichever intake a reminder is
    about (and RFC 8058's one-click unsubscribe is a promise about the recipient). One row per
    address, made when its first reminder is queued, so every reminder carries the same link.
    """

    email = models.EmailField(unique=True, help_text="Normalised: trimmed, lower case.")
    token = models.CharField(
        max_length=64, unique=True, default=new_unsubscribe_token, editable=False
    )
    created_at = models.DateTimeField(auto_now_add=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = "reminder subscription"

    def __str__(self) -> str:
        state = "unsubscribed" if self.unsubscribed_at else "subscribed"
        return f"reminder subscription {self.pk} ({state})"


class Heartbeat(models.Model):
    """When a periodic job last finished a run: ``/readyz`` and ``manage.py readiness`` read it
    to notice a relay that has gone quiet (a dead worker or beat looks like "no mail" otherwise).
    """

    OUTBOX_RELAY = "outbox-relay"

    name = models.CharField(max_length=50, unique=True)
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"{self.name} at {self.at:%Y-%m-%d %H:%M:%S}"

    @classmethod
    def beat(cls, name: str, *, now=None) -> None:
        """Record a finished run: one UPDATE, or the row's first INSERT."""
        now = now or timezone.now()
        if not cls.objects.filter(name=name).update(at=now):
            cls.objects.get_or_create(name=name, defaults={"at": now})


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


class TwoFactorEnrolment(models.Model):
    """A one-time link to set up two-factor sign-in, on top of the password: emailed to the
    staff address (through the Outbox) or issued by the clinic admin. Only a hash of the token
    is kept; opening the link marks it used and lets that session add a device."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="twofactor_enrolments"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The admin who issued it; empty when the user asked for it by email.",
    )

    class Meta:
        ordering = ["-created_at"]
        verbose_name = "two-factor set-up link"

    def __str__(self) -> str:
        return f"set-up link for {self.user} ({self.created_at:%Y-%m-%d %H:%M})"


class AuditLogAppendOnly(Exception):
    """Raised on any attempt to change or remove an audit event."""


class AuditEventQuerySet(models.QuerySet):
    """Reads only: bulk updates and deletes are refused (PostgreSQL refuses them too)."""

    def update(self, **kwargs):
        raise AuditLogAppendOnly("Audit events cannot be updated.")

    def delete(self):
        raise AuditLogAppendOnly("Audit events cannot be deleted.")

    def for_object(self, obj):
        return self.filter(object_type=obj._meta.label_lower, object_id=str(obj.pk))


class AuditEvent(models.Model):
    """One security-relevant event: a staff view of health data, a change, a login.

    Append-only. Written through ``itband.audit.audit_record``. ``detail`` is a short note for
    people reading the log and never carries health data or contact details.
    """

    class Action(models.TextChoices):
        VIEW_INTAKE = "view_intake", "Viewed an intake"
        VIEW_PATIENT = "view_patient", "Viewed a patient"
        VIEW_BRIEF = "view_brief", "Viewed a pre-visit brief"
        NOTES_CHANGE = "notes_change", "Changed private notes"
        MARK_REVIEWED = "mark_reviewed", "Marked an intake reviewed"
        CONTACT_RECORDED = "contact_recorded", "Recorded contact with a runner"
        INTAKE_CLOSED = "intake_closed", "Closed an intake without a visit"
        INTAKE_LINKED = "intake_linked", "Linked an intake to a patient"
        FLAG_CLEARED = "flag_cleared", "Cleared a red flag for booking"
        EXPORT = "export", "Exported data"
        VIEW_CLINIC = "view_clinic", "Viewed the clinic page"
        LOGIN = "login", "Signed in"
        LOGIN_FAILED = "login_failed", "Failed sign-in"
        LOGOUT = "logout", "Signed out"
        SESSION_EXPIRED = "session_expired", "Session expired"
        TWO_FACTOR_ENROLLED = "2fa_enrolled", "Set up two-factor"
        TWO_FACTOR_VERIFIED = "2fa_verified", "Passed two-factor"
        TWO_FACTOR_FAILED = "2fa_failed", "Wrong two-factor code"
        TWO_FACTOR_LINK_SENT = "2fa_link_sent", "Two-factor set-up link issued"
        TWO_FACTOR_LINK_USED = "2fa_link_used", "Opened a two-factor set-up link"
        TWO_FACTOR_LINK_REFUSED = "2fa_link_refused", "Refused a two-factor set-up link"
        TWO_FACTOR_ENROL_REFUSED = "2fa_enrol_refused", "Two-factor set-up without a link"
        BACKUP_CODES_CREATED = "backup_codes_created", "Created two-factor backup codes"
        BACKUP_CODE_USED = "backup_code_used", "Passed two-factor with a backup code"
        PASSWORD_RESET_REQUESTED = "password_reset_requested", "Asked for a password reset"
        PASSWORD_RESET_DONE = "password_reset_done", "Reset the password by email"
        PASSWORD_RESET_LINK_INVALID = "password_reset_invalid", "Opened an invalid reset link"
        VIEW_DENIED = "view_denied", "Refused a view of health data"
        BOOKING_REFUSED = "booking_refused", "Refused an online booking by identity"
        BOOKING_OVERRIDE = "booking_override", "Booked past an identity-only red flag"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="audit_events",
        help_text="Empty for anonymous or system events.",
    )
    username = models.CharField(
        max_length=150, blank=True, help_text="Copied, so it survives a rename."
    )
    action = models.CharField(max_length=40, choices=Action, db_index=True)
    object_type = models.CharField(max_length=100, blank=True, help_text="app_label.model")
    object_id = models.CharField(max_length=64, blank=True)
    ip = models.GenericIPAddressField(null=True, blank=True)
    user_agent = models.CharField(max_length=200, blank=True)
    detail = models.CharField(max_length=200, blank=True)

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"], name="audit_object_idx")]
        verbose_name = "audit event"

    def __str__(self) -> str:
        target = f" {self.object_type}:{self.object_id}" if self.object_type else ""
        return f"{self.at:%Y-%m-%d %H:%M} {self.username or '-'} {self.action}{target}"

    def save(self, *args, **kwargs):
        if self.pk is not None or not self._state.adding:
            raise AuditLogAppendOnly("Audit events cannot be changed once written.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise AuditLogAppendOnly("Audit events cannot be deleted.")

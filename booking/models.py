"""Clinics, clinicians, appointment types, availability and appointments."""

import secrets
import uuid
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q, Value
from django.db.models.functions import Replace
from django.urls import reverse
from django.utils import timezone

from itband import contact


class Location(models.Model):
    """A clinic. Its hours and slots are computed in its own time zone."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    street = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    region = models.CharField("state", max_length=2)
    postal_code = models.CharField(max_length=10)
    phone = models.CharField(max_length=30)
    timezone = models.CharField(max_length=64, default="America/New_York")
    hours_summary = models.CharField(max_length=200, blank=True)
    directions = models.TextField(blank=True, help_text="Parking, entrance, what to expect.")
    is_demo = models.BooleanField(
        default=False, help_text="Demo values: set the real address and phone before going live."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def address(self) -> str:
        return f"{self.street}, {self.city}, {self.region} {self.postal_code}"


class ClinicianQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True, user__is_active=True)

    def at(self, location: Location):
        return self.filter(locations=location)


class Clinician(models.Model):
    """A Doctor of Physical Therapy who sees runners at one or more clinics."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="clinician"
    )
    display_name = models.CharField(
        max_length=120, help_text='With credentials: "Dana Cohen, PT, DPT".'
    )
    bio = models.TextField("short bio", blank=True)
    locations = models.ManyToManyField(Location, related_name="clinicians", blank=True)
    is_active = models.BooleanField(default=True)

    objects = ClinicianQuerySet.as_manager()

    class Meta:
        ordering = ["display_name"]

    def __str__(self) -> str:
        return self.display_name


class AppointmentTypeQuerySet(models.QuerySet):
    def bookable_online(self):
        return self.filter(is_active=True, is_public=True)


class AppointmentType(models.Model):
    INITIAL_EVALUATION = "initial-evaluation"
    INITIAL_EVALUATION_GAIT = "initial-evaluation-gait"
    FOLLOW_UP = "follow-up"

    class Intake(models.TextChoices):
        REQUIRED = "required", "Required"
        RECOMMENDED = "recommended", "Recommended"
        NONE = "none", "Not needed"

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)
    duration_minutes = models.PositiveSmallIntegerField()
    buffer_before_minutes = models.PositiveSmallIntegerField(default=0)
    buffer_after_minutes = models.PositiveSmallIntegerField(default=0)
    intake = models.CharField(
        "self-assessment", max_length=12, choices=Intake, default=Intake.RECOMMENDED
    )
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    is_public = models.BooleanField("bookable online", default=True)
    sort_order = models.PositiveSmallIntegerField(default=0)

    objects = AppointmentTypeQuerySet.as_manager()

    class Meta:
        ordering = ["sort_order", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(duration_minutes__gt=0), name="appointment_type_has_duration"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer_before(self) -> timedelta:
        return timedelta(minutes=self.buffer_before_minutes)

    @property
    def buffer_after(self) -> timedelta:
        return timedelta(minutes=self.buffer_after_minutes)


class Weekday(models.IntegerChoices):
    MONDAY = 0, "Monday"
    TUESDAY = 1, "Tuesday"
    WEDNESDAY = 2, "Wednesday"
    THURSDAY = 3, "Thursday"
    FRIDAY = 4, "Friday"
    SATURDAY = 5, "Saturday"
    SUNDAY = 6, "Sunday"


class WeeklyAvailability(models.Model):
    """One working block of a clinician at a clinic, in the clinic's local wall time."""

    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="weekly_hours")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="weekly_hours")
    weekday = models.PositiveSmallIntegerField(choices=Weekday)
    start = models.TimeField()
    end = models.TimeField()

    class Meta:
        ordering = ["clinician", "weekday", "start"]
        verbose_name = "weekly hours"
        verbose_name_plural = "weekly hours"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="weekly_hours_end_after_start"
            ),
            models.CheckConstraint(
                condition=models.Q(weekday__gte=0, weekday__lte=6), name="weekly_hours_weekday"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start:%H:%M}–{self.end:%H:%M}"

    def overlapping_blocks(self):
        """The same clinician's blocks on the same weekday, at any clinic, that overlap this one."""
        blocks = WeeklyAvailability.objects.filter(
            clinician_id=self.clinician_id,
            weekday=self.weekday,
            start__lt=self.end,
            end__gt=self.start,
        )
        return blocks.exclude(pk=self.pk) if self.pk else blocks

    def clean(self) -> None:
        if self.start is not None and self.end is not None and self.end <= self.start:
            raise ValidationError({"end": "The block must end after it starts."})
        if (
            self.clinician_id
            and self.weekday is not None
            and self.start
            and self.end
            and self.overlapping_blocks().exists()
        ):
            raise ValidationError(
                "These hours overlap another block of the same clinician on that day."
            )


class TimeOff(models.Model):
    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="time_off")
    start = models.DateTimeField()
    end = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["start"]
        verbose_name = "time off"
        verbose_name_plural = "time off"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="time_off_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.clinician}: {self.start:%Y-%m-%d %H:%M} to {self.end:%Y-%m-%d %H:%M}"

    def clean(self) -> None:
        if self.start and self.end and self.end <= self.start:
            raise ValidationError({"end": "Time off must end after it starts."})


class Closure(models.Model):
    """A whole day a clinic is closed (a holiday)."""

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="closures")
    date = models.DateField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        constraints = [
            models.UniqueConstraint(fields=["location", "date"], name="closure_once_per_day"),
        ]

    def __str__(self) -> str:
        return f"{self.location} closed {self.date:%Y-%m-%d}"


# A patient search by phone needs this many digits: fewer (an area code) matches half the book.
SEARCH_PHONE_MIN_DIGITS = 4
# Phone numbers are typed as "(301) 555-0100", "301.555.0100", "+1 301 555 0100"…
_PHONE_PUNCTUATION = ("(", ")", "-", " ", ".", "+", "/")


def same_runner(a, b) -> bool:
    """ "The same runner", when a record is reused or an intake attached to a visit: the same
    email, first and last name (any case, spaces trimmed) and date of birth. Twins booked with
    one parent's email stay two. (booking.rules is wider on purpose for red flags.)"""

    def same(x: str | None, y: str | None) -> bool:
        return (x or "").strip().casefold() == (y or "").strip().casefold()

    return (
        same(a.email, b.email)
        and same(a.first_name, b.first_name)
        and same(a.last_name, b.last_name)
        and a.date_of_birth == b.date_of_birth
    )


class PatientQuerySet(models.QuerySet):
    def same_runner_as(self, details) -> "PatientQuerySet":
        """The records of the runner with these details (``same_runner``), oldest first."""
        return self.filter(
            email__iexact=details.email.strip(),
            date_of_birth=details.date_of_birth,
            first_name__iexact=details.first_name.strip(),
            last_name__iexact=details.last_name.strip(),
        ).order_by("pk")

    def matching(self, query: str) -> "PatientQuerySet":
        """The patient search of the desk: every word of ``query`` in the first name, last name
        or email (any case), a word that is a date (1990-04-21 or 04/21/1990) as the date of
        birth, or, for a query with at least SEARCH_PHONE_MIN_DIGITS digits, those digits in the
        phone (punctuation ignored). An empty query matches nobody."""
        query = (query or "").strip()[:100]
        if not query:
            return self.none()
        words = Q()
        for word in query.split():
            born = _search_date(word)
            if born is not None:
                words &= Q(date_of_birth=born)
                continue
            words &= (
                Q(first_name__icontains=word)
                | Q(last_name__icontains=word)
                | Q(email__icontains=word)
            )
        digits = "".join(ch for ch in query if ch.isdigit())
        if len(digits) < SEARCH_PHONE_MIN_DIGITS:
            return self.filter(words)
        phone = models.F("phone")
        for char in _PHONE_PUNCTUATION:
            phone = Replace(phone, Value(char), Value(""))
        return self.annotate(phone_digits=phone).filter(words | Q(phone_digits__contains=digits))


def _search_date(word: str) -> date | None:
    """A date typed into the patient search, in the forms the desk types them."""
    for pattern in ("%Y-%m-%d", "%m/%d/%Y"):
        try:
            return datetime.strptime(word, pattern).date()
        except ValueError:
            continue
    return None


class Patient(models.Model):
    """A runner who booked. Found again by email and date of birth, never by email alone."""

    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField()
    phone = models.CharField(max_length=30)
    date_of_birth = models.DateField()
    guardian_name = models.CharField("parent or guardian", max_length=200, blank=True)
    guardian_phone = models.CharField(max_length=30, blank=True)
    guardian_email = models.EmailField(blank=True)
    guardian_consent_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = PatientQuerySet.as_manager()

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [models.Index(fields=["email", "date_of_birth"], name="patient_match_idx")]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def age_on(self, day: date) -> int:
        return age_on(self.date_of_birth, day)


age_on = contact.age_on  # one definition (itband.contact), imported from here by the apps


def new_manage_token() -> str:
    """256 bits from the OS: the only key to a runner's booking."""
    return secrets.token_urlsafe(32)


class AppointmentQuerySet(models.QuerySet):
    def holding_time(self):
        """Appointments that occupy the clinician (cancellations free the time)."""
        return self.filter(status__in=Appointment.HOLDING_STATUSES)

    def overlapping(self, start: datetime, end: datetime):
        return self.filter(start__lt=end, end__gt=start)

    def for_location(self, location: Location):
        return self.filter(location=location)

    def upcoming(self, now: datetime):
        return self.filter(start__gte=now)


class Appointment(models.Model):
    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        CHECKED_IN = "checked_in", "Checked in"
        COMPLETED = "completed", "Completed"
        CANCELLED_PATIENT = "cancelled_patient", "Cancelled by patient"
        CANCELLED_CLINIC = "cancelled_clinic", "Cancelled by clinic"
        LATE_CANCEL = "late_cancel", "Late cancel"
        NO_SHOW = "no_show", "No-show"

    class Source(models.TextChoices):
        PUBLIC = "public", "Booked online"
        DESK = "desk", "Booked by the front desk"

    # Must match the condition of the exclusion constraint in migration 0003.
    HOLDING_STATUSES = (Status.BOOKED, Status.CHECKED_IN, Status.COMPLETED, Status.NO_SHOW)
    # Still to come (or under way): what makes an intake's "next visit" (booking.services).
    UPCOMING_STATUSES = (Status.BOOKED, Status.CHECKED_IN)
    CANCELLED_STATUSES = (Status.CANCELLED_PATIENT, Status.CANCELLED_CLINIC, Status.LATE_CANCEL)
    # The runner came (the clinic page's "attended").
    ATTENDED_STATUSES = (Status.CHECKED_IN, Status.COMPLETED)

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="appointments")
    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="appointments")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="appointments"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=20, choices=Status, default=Status.BOOKED)
    submission = models.ForeignKey(
        "assessments.Submission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="appointments",
    )
    manage_token = models.CharField(
        max_length=64, unique=True, default=new_manage_token, editable=False
    )
    # The calendar UID: stable across reschedules, and independent of the secret token.
    uid = models.UUIDField(unique=True, default=uuid.uuid4, editable=False)
    # A double-submitted booking form carries the same key: it books once.
    booking_key = models.CharField(
        max_length=64, unique=True, null=True, blank=True, editable=False
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="booked_appointments",
    )
    source = models.CharField(max_length=10, choices=Source, default=Source.PUBLIC)
    cancellation_reason = models.TextField(blank=True)
    desk_note = models.CharField(
        max_length=500, blank=True, help_text="The front desk's note for the clinician."
    )
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    sequence = models.PositiveIntegerField(default=0, help_text="iCalendar SEQUENCE.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["clinician", "start"], name="appointment_clinician_idx"),
            models.Index(fields=["location", "start"], name="appointment_location_idx"),
            models.Index(fields=["status", "start"], name="appointment_status_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end__gt=models.F("start")), name="appointment_end_after_start"
            ),
            # No double booking: an exclusion constraint added by migration 0003 on PostgreSQL
            # only (SQLite cannot express it; the booking service checks there).
        ]

    def __str__(self) -> str:
        return f"{self.appointment_type} · {self.start:%Y-%m-%d %H:%M} · {self.clinician}"

    def get_absolute_url(self) -> str:
        return reverse("booking:manage", args=[self.manage_token])

    @property
    def manage_url(self) -> str:
        return settings.SITE_URL + self.get_absolute_url()

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.location.zone)

    @property
    def local_end(self) -> datetime:
        return self.end.astimezone(self.location.zone)

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.BOOKED

    @property
    def is_cancelled(self) -> bool:
        return self.status in self.CANCELLED_STATUSES

    def can_cancel_online(self, now: datetime) -> bool:
        cutoff = timedelta(hours=settings.BOOKING_CANCEL_CUTOFF_HOURS)
        return self.is_active and now < self.start - cutoff

    def can_reschedule_online(self, now: datetime) -> bool:
        cutoff = timedelta(hours=settings.BOOKING_RESCHEDULE_CUTOFF_HOURS)
        return self.is_active and now < self.start - cutoff


class AppointmentEvent(models.Model):
    """Status history of an appointment: who did what, when (from → to)."""

    class Kind(models.TextChoices):
        BOOKED = "booked", "Booked"
        STATUS = "status", "Status changed"
        RESCHEDULED = "rescheduled", "Rescheduled"

    appointment = models.ForeignKey(Appointment, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=12, choices=Kind)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the runner did it through the manage link.",
    )
    detail = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        """ "Moved: Wed Jun 10, 9:00 AM with Dr A → …", "Booked → Checked in (undone)"."""
        if self.kind == self.Kind.RESCHEDULED:
            return f"Moved: {self.detail}" if self.detail else "Moved"
        if self.kind == self.Kind.BOOKED:
            return "Booked"
        labels = dict(Appointment.Status.choices)
        words = f"{labels.get(self.from_status, self.from_status)} → "
        words += labels.get(self.to_status, self.to_status)
        return f"{words} ({self.detail})" if self.detail else words


class WaitlistEntry(models.Model):
    """A runner waiting for a time that suits (booking.waitlist): where, what, with whom, which
    weekday × part of day, until when. Offers go to entries in the order they joined."""

    class Status(models.TextChoices):
        WAITING = "waiting", "Waiting"
        BOOKED = "booked", "Booked"
        LEFT = "left", "Left the waitlist"
        REMOVED = "removed", "Removed by the desk"

    token = models.CharField(max_length=64, unique=True, default=new_manage_token, editable=False)
    locations = models.ManyToManyField(Location, related_name="waitlist_entries")
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="waitlist_entries"
    )
    clinician = models.ForeignKey(
        Clinician,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="waitlist_entries",
        help_text="Empty: any clinician.",
    )
    # booking.waitlist_times: ["mon-morning", "sat-afternoon", ...]
    times = models.JSONField(default=list)
    until = models.DateField()
    first_name = models.CharField(max_length=100)
    last_name = models.CharField(max_length=100)
    email = models.EmailField()
    phone = models.CharField(max_length=30)
    date_of_birth = models.DateField()
    # A minor's parent or guardian, as the booking form takes them (booking.services.PatientDetails).
    guardian = models.JSONField(default=dict, blank=True)
    submission = models.ForeignKey(
        "assessments.Submission",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="waitlist_entries",
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.WAITING)
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    status_changed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["status", "created_at"], name="waitlist_queue_idx")]

    def __str__(self) -> str:
        return f"{self.first_name} {self.last_name} · {self.appointment_type} · since {self.created_at:%Y-%m-%d}"

    def get_absolute_url(self) -> str:
        return reverse("booking:waitlist-entry", args=[self.token])

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()


class WaitlistOfferQuerySet(models.QuerySet):
    def holding(self, now: datetime):
        """Offers whose time is held for their runner: the slot engine counts them as busy."""
        return self.filter(status=WaitlistOffer.Status.HELD, expires_at__gt=now)


class WaitlistOffer(models.Model):
    """A freed time offered to one waitlist entry, held for it until ``expires_at``: while it
    holds, nobody else is offered or shown the time (booking.selectors counts it as busy)."""

    class Status(models.TextChoices):
        HELD = "held", "Held"
        CLAIMED = "claimed", "Booked"
        EXPIRED = "expired", "Not claimed in time"
        TAKEN = "taken", "Taken before it was claimed"
        RELEASED = "released", "Released by the desk"
        WITHDRAWN = "withdrawn", "Withdrawn (left the waitlist)"

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    token = models.CharField(max_length=64, unique=True, default=new_manage_token, editable=False)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    clinician = models.ForeignKey(Clinician, on_delete=models.PROTECT, related_name="+")
    appointment_type = models.ForeignKey(
        AppointmentType, on_delete=models.PROTECT, related_name="+"
    )
    start = models.DateTimeField()
    end = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status, default=Status.HELD)
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()
    closed_at = models.DateTimeField(null=True, blank=True)
    appointment = models.ForeignKey(
        Appointment, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    offered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="Empty when the periodic offer sweep made it.",
    )

    objects = WaitlistOfferQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["status", "expires_at"], name="waitlist_offer_hold_idx"),
            models.Index(fields=["clinician", "start"], name="waitlist_offer_time_idx"),
        ]
        constraints = [
            # One held offer per runner at a time, and one per clinician and start: two sweeps
            # (or a sweep and the desk) cannot hold the same time twice.
            models.UniqueConstraint(
                fields=["entry"],
                condition=models.Q(status="held"),
                name="waitlist_one_hold_per_entry",
            ),
            models.UniqueConstraint(
                fields=["clinician", "start"],
                condition=models.Q(status="held"),
                name="waitlist_one_hold_per_time",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.entry.full_name} · {self.start:%Y-%m-%d %H:%M} · {self.get_status_display()}"

    def get_absolute_url(self) -> str:
        return reverse("booking:waitlist-offer", args=[self.token])

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(self.location.zone)

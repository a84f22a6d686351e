"""Forms of the front desk's patients and schedules pages.

Field names are unique across the forms that share a page (no prefixes), so each field's id,
its help text and its message stay tied together (Django's aria-describedby; crispy renders).
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from crispy_forms.layout import HTML, Column, Div, Layout, Row
from django import forms
from django.utils import timezone
from django.utils.html import format_html

from assessments.clinical import FLAG_LEVEL_BADGES
from booking.dates import validate_within_reach
from booking.forms import BookingDetailsForm
from booking.models import Location, Weekday
from booking.services import PatientDetails
from itband import contact
from itband.datefmt import clock
from itband.forms import CrispyForm, Group, GuardianFields

from .selectors import clinic_zone

TIME_WIDGET = {"type": "time", "step": "300"}
DATE_WIDGET = {"type": "date"}


class PatientContactForm(GuardianFields, CrispyForm):
    first_name = forms.CharField(
        max_length=100,
        error_messages={"required": "Enter the first name."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    last_name = forms.CharField(
        max_length=100,
        error_messages={"required": "Enter the last name."},
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    email = forms.EmailField(
        max_length=254,
        error_messages={
            "required": "Enter an email address.",
            "invalid": "Enter an email address like name@example.com.",
        },
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    phone = forms.CharField(
        max_length=30,
        help_text="For example (301) 555-0100.",
        error_messages={"required": "Enter a phone number."},
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    date_of_birth = forms.DateField(
        help_text="For example 1990-04-23.",
        error_messages={
            "required": "Enter the date of birth.",
            "invalid": "Enter a date of birth like 1990-04-23.",
        },
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )

    def layout(self) -> Layout:
        return Layout(
            Group(
                "The runner",
                *self.RUNNER_FIELDS,
                legend_class="h6",
                css_class="mb-3",
            ),
            Group(
                "Parent or guardian (runners under 18)",
                *self.GUARDIAN_FIELDS,
                legend_class="h6",
                css_class="mb-3",
            ),
        )

    def clean_phone(self) -> str:
        return contact.clean_phone(self.cleaned_data["phone"])

    def clean_date_of_birth(self) -> date:
        return contact.clean_date_of_birth(self.cleaned_data["date_of_birth"])

    def contact_details(self) -> PatientDetails:
        return PatientDetails(**{name: self.cleaned_data[name] for name in self.fields})


class WeeklyBlockForm(CrispyForm):
    location = forms.ModelChoiceField(
        label="Clinic",
        queryset=Location.objects.filter(is_active=True).order_by("name"),
        empty_label=None,
        error_messages={"invalid_choice": "Choose one of the clinics."},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    weekday = forms.TypedChoiceField(
        label="Day of the week",
        choices=Weekday.choices,
        coerce=int,
        error_messages={"invalid_choice": "Choose a day of the week."},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    start = forms.TimeField(
        label="From",
        help_text="Local clinic time, for example 07:00.",
        error_messages={"required": "Enter the start time.", "invalid": "Enter a time like 07:00."},
        widget=forms.TimeInput(attrs=TIME_WIDGET, format="%H:%M"),
    )
    end = forms.TimeField(
        label="To",
        help_text="For example 12:00.",
        error_messages={"required": "Enter the end time.", "invalid": "Enter a time like 12:00."},
        widget=forms.TimeInput(attrs=TIME_WIDGET, format="%H:%M"),
    )

    def layout(self) -> Layout:
        return Layout(
            Group(
                "New weekly block",
                "location",
                "weekday",
                Row(Column("start", css_class="col-6"), Column("end", css_class="col-6")),
                legend_class="visually-hidden",
            )
        )

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start is not None and end is not None and end <= start:
            self.add_error("end", "The hours must end after they start.")
        return data


class TimeOffForm(CrispyForm):
    """A period off in the clinic's local time: from a date (and time) to a date (and time).
    An empty start time is the start of that day; an empty end is the end of the day."""

    off_start_date = forms.DateField(
        label="First day",
        validators=[validate_within_reach],
        error_messages={
            "required": "Enter the first day.",
            "invalid": "Enter a date like 2026-05-04.",
        },
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )
    off_start_time = forms.TimeField(
        label="From time",
        required=False,
        help_text="Leave empty for the whole day.",
        error_messages={"invalid": "Enter a time like 13:00."},
        widget=forms.TimeInput(attrs=TIME_WIDGET, format="%H:%M"),
    )
    off_end_date = forms.DateField(
        label="Last day",
        validators=[validate_within_reach],
        required=False,
        help_text="Leave empty for the same day.",
        error_messages={"invalid": "Enter a date like 2026-05-04."},
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )
    off_end_time = forms.TimeField(
        label="Until time",
        required=False,
        help_text="Leave empty for the end of the day.",
        error_messages={"invalid": "Enter a time like 17:00."},
        widget=forms.TimeInput(attrs=TIME_WIDGET, format="%H:%M"),
    )
    off_reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=200,
        help_text="Seen by staff only, for example Conference.",
    )

    def __init__(self, *args, now: datetime | None = None, **kwargs) -> None:
        self.now = now
        super().__init__(*args, **kwargs)

    def layout(self) -> Layout:
        half = "col-sm-6"
        return Layout(
            Group(
                "From",
                Row(
                    Column("off_start_date", css_class=half),
                    Column("off_start_time", css_class=half),
                ),
                legend_class="h6",
                css_class="mb-2",
            ),
            Group(
                "Until",
                Row(Column("off_end_date", css_class=half), Column("off_end_time", css_class=half)),
                legend_class="h6",
                css_class="mb-2",
            ),
            "off_reason",
        )

    def _local(self, day: date, at: time, field: str) -> datetime | None:
        """An aware time in the clinic's zone; None (and a message) for a time that the
        spring clock change skips."""
        zone = clinic_zone()
        value = datetime.combine(day, at, tzinfo=zone)
        if value.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != value.replace(
            tzinfo=None
        ):
            self.add_error(
                field,
                f"The clocks go forward on {day:%B} {day.day}: {clock(at)} does not exist "
                "that day. Choose another time.",
            )
            return None
        return value

    def clean(self) -> dict:
        data = super().clean()
        if any(self.has_error(name) for name in self.fields):
            return data
        first_day = data["off_start_date"]
        last_day = data.get("off_end_date") or first_day
        start = self._local(first_day, data.get("off_start_time") or time(0), "off_start_time")
        if data.get("off_end_time") is not None:
            end = self._local(last_day, data["off_end_time"], "off_end_time")
        else:
            end = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=clinic_zone())
        if start is None or end is None:
            return data
        if last_day < first_day:
            self.add_error("off_end_date", "The last day cannot be before the first day.")
        elif end <= start:
            self.add_error("off_end_time", "The time off must end after it starts.")
        elif end <= (self.now or timezone.now()):
            self.add_error("off_end_date", "This time off is already over.")
        else:
            data["start"], data["end"] = start, end
        return data


BOTH_CLINICS = "both"


class ClosureForm(CrispyForm):
    clinic = forms.ChoiceField(
        label="Clinic",
        error_messages={"invalid_choice": "Choose a clinic or both clinics."},
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    day = forms.DateField(
        label="Date",
        validators=[validate_within_reach],
        error_messages={"required": "Enter the date.", "invalid": "Enter a date like 2026-11-26."},
        widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"),
    )
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=200,
        help_text="For example Thanksgiving.",
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.locations = list(Location.objects.filter(is_active=True).order_by("name"))
        self.fields["clinic"].choices = [
            (BOTH_CLINICS, "Both clinics"),
            *((location.slug, location.name) for location in self.locations),
        ]

    def clean_day(self) -> date:
        day = self.cleaned_data["day"]
        if day < timezone.localdate(timezone=clinic_zone()):
            raise forms.ValidationError("The date is in the past.")
        return day

    def chosen_locations(self) -> list[Location]:
        clinic = self.cleaned_data["clinic"]
        if clinic == BOTH_CLINICS:
            return self.locations
        return [location for location in self.locations if location.slug == clinic]


class ExportForm(CrispyForm):
    """The desk's appointment export: a date range (at most a year), for the clinic shown."""

    start = forms.DateField(
        label="From", validators=[validate_within_reach], widget=forms.DateInput(DATE_WIDGET)
    )
    end = forms.DateField(
        label="To", validators=[validate_within_reach], widget=forms.DateInput(DATE_WIDGET)
    )
    location = forms.CharField(required=False, widget=forms.HiddenInput)

    def layout(self) -> Layout:
        return Layout(
            Row(Column("start", css_class="col-auto"), Column("end", css_class="col-auto")),
            "location",
        )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                raise forms.ValidationError("The end date is before the start date.")
            if (data["end"] - data["start"]).days > 366:
                raise forms.ValidationError("Export at most one year at a time.")
        return data


class PatientSearchForm(CrispyForm):
    """The patient search box (``Patient.objects.matching``). The patients page renders it
    from its own cleaned query, so any input (a NUL byte, 500 characters) searches instead
    of failing validation; the booking page validates it."""

    mark_optional = False

    q = forms.CharField(
        label="Name, email, phone or date of birth",
        required=False,
        help_text="Part of a name or email, some digits of the phone number, or a date of "
        "birth like 1990-04-21.",
        max_length=100,
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )

    def __init__(self, *args, label: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if label:
            self.fields["q"].label = label


class CancelByDeskForm(CrispyForm):
    by = forms.ChoiceField(
        label="Who cancels?",
        choices=[("desk", "The patient (they called us)"), ("clinic", "The clinic")],
        widget=forms.RadioSelect,
        error_messages={"required": "Please choose who cancels."},
    )
    reason = forms.CharField(
        label="Reason",
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": "Please give a reason."},
    )


class DeskBookingForm(BookingDetailsForm):
    """Book for a caller: the runner's booking form, written for the desk (the desk reads the
    policy to the caller and records the guardian's consent they give on the phone), with a
    note for the clinician and the self-assessment link."""

    STAFF_HELP = {
        "email": "The confirmation, calendar file and the patient's private manage link go here.",
        "phone": "Where the clinic can reach the patient, e.g. (301) 555-0100.",
        "date_of_birth": "Ask the caller: it tells namesakes apart. For example 1990-04-23.",
    }

    desk_note = forms.CharField(
        label="Note for the clinician",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="What the caller told you that the clinician should know. Not sent to the patient.",
    )
    send_intake_link = forms.BooleanField(
        label="Email the patient the self-assessment link, so their intake arrives before the visit",
        required=False,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields.pop("accept_policy", None)
        for name, text in self.STAFF_HELP.items():
            self.fields[name].help_text = text
        self.fields[
            "guardian_consent"
        ].label = "The parent or guardian consents to this evaluation (they told you on the phone)."

    def layout(self) -> Layout:
        runner = list(self.RUNNER_FIELDS)
        guardian = [*self.GUARDIAN_FIELDS]
        return Layout(
            Group(
                "The patient",
                Row(*(Column(name, css_class="col-md-6") for name in runner), css_class="g-3"),
                css_class="mb-3",
            ),
            Group(
                "Parent or guardian (only for a patient under 18 on the day)",
                Row(*(Column(name, css_class="col-md-6") for name in guardian), css_class="g-3"),
                "guardian_consent",
                css_class="mb-3",
            ),
            "desk_note",
            "send_intake_link",
        )


class SlotFilterForm(CrispyForm):
    """What the desk looks for a time with: clinic, visit type, clinician (or first available).
    Rendered from the picker's own reading of the query string (``booking.picker.select``);
    ``fixed`` leaves out what a reschedule keeps (clinic and type)."""

    mark_optional = False

    location = forms.ChoiceField(label="Clinic", required=False)
    type = forms.ChoiceField(label="Type of visit", required=False)
    clinician = forms.ChoiceField(label="Clinician", required=False)

    def __init__(self, *, selection, fixed: bool = False, **kwargs) -> None:
        initial = {
            "location": selection.location.slug if selection.location else "",
            "type": selection.appointment_type.slug if selection.appointment_type else "",
            "clinician": str(selection.clinician.pk) if selection.clinician else "any",
        }
        super().__init__(initial=initial, **kwargs)
        self.fields["location"].choices = [(loc.slug, loc.name) for loc in selection.locations]
        self.fields["type"].choices = [(t.slug, t.name) for t in selection.types]
        self.fields["clinician"].choices = [("any", "First available")] + [
            (str(c.pk), c.display_name) for c in selection.clinicians
        ]
        if fixed:
            del self.fields["location"], self.fields["type"]
        self.helper.layout = Layout(
            Row(*(Column(name, css_class="col-auto") for name in self.fields), css_class="g-2")
        )


class AttachIntakeForm(CrispyForm):
    """Beside the booking form: which submitted intake (matching the email typed) to attach,
    and, when a red flag matches the caller by identity only, the desk's confirmed override.
    The view reads the same names from the POST (booking.rules decides what may be attached)."""

    mark_optional = False

    intake = forms.ChoiceField(
        label="Attach a submitted intake",
        required=False,
        widget=forms.RadioSelect,
        help_text="Attached only when the intake's email, name and date of birth match the patient's.",
    )
    override_confirm = forms.BooleanField(
        label="I have spoken with the caller: the flagged intake is not theirs.", required=False
    )
    override_reason = forms.CharField(
        label="Why (kept on the visit's history)", max_length=200, required=False
    )

    def __init__(self, data=None, *, intakes, can_override: bool, **kwargs) -> None:
        super().__init__(data, **kwargs)
        choices = [("", "No intake")]
        for intake in intakes:
            label = format_html(
                "Intake of {} ({})", intake.submitted_at.date(), intake.full_name or "no name"
            )
            if intake.highest_flag in FLAG_LEVEL_BADGES:
                classes, words = FLAG_LEVEL_BADGES[intake.highest_flag]
                cleared = " (cleared)" if intake.flag_cleared else ""
                label = format_html(
                    '{} <span class="{}">{}{}</span>', label, classes, words, cleared
                )
            choices.append((str(intake.pk), label))
        self.fields["intake"].choices = choices
        self.fields["intake"].initial = ""
        parts = ["intake"]
        if can_override:
            parts.append(
                Div(
                    HTML(OVERRIDE_ABOUT),
                    "override_confirm",
                    "override_reason",
                    css_id="red-flag-override",
                    css_class="mt-3 border border-danger rounded p-3",
                )
            )
        else:
            del self.fields["override_confirm"], self.fields["override_reason"]
        self.helper.layout = Layout(*parts)


OVERRIDE_ABOUT = (
    '<p class="fw-semibold mb-1">Book past this red flag</p><p class="small">The flagged intake '
    "matches this caller only by their details (its own email, name or date of birth differ). "
    "If you have spoken with the caller and it is not theirs, you may book; this is recorded.</p>"
)

"""Forms of the public booking flow: the runner's details, and a cancellation."""

from datetime import date, timedelta

from crispy_forms.helper import FormHelper
from crispy_forms.layout import HTML, Field, Layout
from django import forms
from django.conf import settings
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from assessments import scoring
from itband import contact
from itband.forms import CrispyForm, Group, GuardianFields

from . import waitlist_times
from .models import age_on
from .picker import ANY
from .services import ADULT_AGE, PatientDetails

GUARDIAN_ABOUT = (
    '<p class="form-text" id="guardian-about">If the runner will be under 18 on the day of the '
    "visit, a parent or guardian gives their name, a phone number or an email, and their "
    "consent. Leave this empty otherwise.</p>"
)
POLICY_NOTE = (
    '<p>Please read our <a href="{% url \'cancellation-policy\' %}" target="_blank" '
    'rel="noopener">cancellation policy (opens in a new tab)</a>: you can cancel or reschedule '
    "online up to the cut-off before your visit; after that, please call the clinic.</p>"
)


class BookingDetailsForm(GuardianFields, CrispyForm):
    first_name = forms.CharField(
        max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"})
    )
    last_name = forms.CharField(
        max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"})
    )
    email = forms.EmailField(
        max_length=254,
        help_text="We send the confirmation, the calendar file and your manage link here.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    phone = forms.CharField(
        max_length=30,
        help_text="A number we can reach you on, e.g. (301) 555-0100.",
        widget=forms.TextInput(attrs={"autocomplete": "tel", "type": "tel"}),
    )
    date_of_birth = forms.DateField(
        help_text="For example 1990-04-23.",
        widget=forms.DateInput(attrs={"type": "date", "autocomplete": "bday"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date of birth like 1990-04-23."},
    )
    guardian_consent = forms.BooleanField(
        label="I am the runner's parent or guardian and I consent to this evaluation.",
        required=False,
    )
    accept_policy = forms.BooleanField(
        label="I accept the cancellation policy.",
        error_messages={"required": "Please accept the cancellation policy to book."},
    )
    # Offered for an initial evaluation only (booking.signals.offers_outcome_checkins); never
    # pre-ticked. The view hands the answer on through booking.signals.appointment_booked.
    outcome_checkins = forms.BooleanField(
        label="Send me short check-ins at 2, 6 and 12 weeks after my evaluation (about 3 "
        "minutes each: pain, function and running), so my clinician and I can see how I am "
        "doing.",
        required=False,
        initial=False,
    )

    REQUIRED_MESSAGES = {
        "first_name": "Enter the runner's first name.",
        "last_name": "Enter the runner's last name.",
        "email": "Enter an email address for the confirmation.",
        "phone": "Enter a phone number.",
        "date_of_birth": "Enter the runner's date of birth.",
    }

    def __init__(
        self, *args, visit_day: date | None = None, offer_checkins: bool = False, **kwargs
    ) -> None:
        self.visit_day = visit_day
        self.offer_checkins = offer_checkins
        super().__init__(*args, **kwargs)
        if not offer_checkins:
            del self.fields["outcome_checkins"]
        for name, message in self.REQUIRED_MESSAGES.items():
            self.fields[name].error_messages["required"] = message

    def layout(self) -> Layout:
        return Layout(
            Group(
                "The runner",
                *self.RUNNER_FIELDS,
                css_class="mb-3",
            ),
            Group(
                "Parent or guardian (only for runners under 18)",
                HTML(GUARDIAN_ABOUT),
                *self.GUARDIAN_FIELDS,
                "guardian_consent",
                css_class="mb-3",
                aria_describedby="guardian-about",
            ),
            HTML(POLICY_NOTE),
            "accept_policy",
            *(("outcome_checkins",) if self.offer_checkins else ()),
        )

    def clean_phone(self) -> str:
        return contact.clean_phone(self.cleaned_data["phone"])

    def clean_date_of_birth(self) -> date:
        return contact.clean_date_of_birth(self.cleaned_data["date_of_birth"])

    @property
    def is_minor(self) -> bool:
        born = self.cleaned_data.get("date_of_birth")
        day = self.visit_day or timezone.localdate()
        return born is not None and age_on(born, day) < ADULT_AGE

    def clean(self) -> dict:
        data = super().clean()
        if self.is_minor:
            gaps = contact.guardian_gaps(
                name=data.get("guardian_name", ""),
                phone=data.get("guardian_phone", ""),
                email=data.get("guardian_email", ""),
                consent=bool(data.get("guardian_consent")),
            )
            for field, message in gaps.items():
                # A typed phone or email that is itself invalid already says so.
                if field == "guardian_phone" and (
                    self.has_error("guardian_phone") or self.has_error("guardian_email")
                ):
                    continue
                self.add_error(field, message)
        return data

    def patient_details(self) -> PatientDetails:
        data = self.cleaned_data
        minor = self.is_minor
        return PatientDetails(
            first_name=data["first_name"],
            last_name=data["last_name"],
            email=data["email"],
            phone=data["phone"],
            date_of_birth=data["date_of_birth"],
            guardian_name=data["guardian_name"] if minor else "",
            guardian_phone=data["guardian_phone"] if minor else "",
            guardian_email=data["guardian_email"] if minor else "",
            guardian_consent=bool(data["guardian_consent"]) if minor else False,
        )


class CancelForm(CrispyForm):
    reason = forms.CharField(
        label="Reason",
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="It helps us offer the time to another runner.",
    )


class SafetyScreenForm(CrispyForm):
    """The one question a booking without a self-assessment asks before showing times: the
    emergency and urgent signs as one list, or "None of these" (booking.rules.screen_required)."""

    NONE = "none"

    signs = forms.MultipleChoiceField(
        label="Do any of these apply to you right now?",
        choices=[*scoring.RED_FLAG_SIGNS, (NONE, "None of these")],
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Please tick the signs that apply to you, or \u201cNone of these\u201d.",
            "invalid_choice": "Please choose from the list.",
        },
    )

    def flags(self) -> tuple[scoring.Flag, ...]:
        """The red flags ticked; a sign ticked beside "None of these" still counts."""
        return scoring.flags_for(self.cleaned_data["signs"])


class DescribedRadioSelect(forms.RadioSelect):
    """Radios whose options each carry a line under the label (a clinic's address, what a type
    of visit is), tied to its input by ``aria-describedby``. The input of value ``v`` has the
    id ``<prefix>-v`` and its line ``<prefix>-v-<suffix>``; ``details`` maps values to lines.
    Rendered by the crispy field template booking/includes/described_radios.html."""

    def __init__(self, *, prefix: str, suffix: str, details: dict, **kwargs) -> None:
        super().__init__(**kwargs)
        self.prefix, self.suffix, self.details = prefix, suffix, details

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        option_id = f"{self.prefix}-{value}"
        option["attrs"]["id"] = option_id
        option["detail_id"] = f"{option_id}-{self.suffix}"
        option["attrs"]["aria-describedby"] = option["detail_id"]
        option["detail"] = self.details.get(value, "")
        return option


CLINICIAN_HELP = "All our clinicians are Doctors of Physical Therapy who work with runners."
RADIOS = "booking/includes/described_radios.html"


class SlotPickerForm(CrispyForm):
    """The picker's clinic, type of visit and clinician (a GET form: booking.picker reads the
    parameters; this only renders them). The clinic and type go above the times
    (``places_helper``), the clinician with them (``clinician_helper``: the part the picker's
    script swaps in)."""

    mark_optional = False

    def __init__(self, selection, *, rescheduling: bool = False) -> None:
        super().__init__(
            initial={
                "location": selection.location.slug if selection.location else None,
                "type": selection.appointment_type.slug if selection.appointment_type else None,
                "clinician": selection.clinician_value,
            }
        )
        recommended = selection.intake.recommended_appointment if selection.intake else None
        self.fields["location"] = forms.ChoiceField(
            label="1. Clinic",
            required=False,
            choices=[
                (loc.slug, format_html("<strong>{}</strong>", loc.name))
                for loc in selection.locations
            ],
            widget=DescribedRadioSelect(
                prefix="location",
                suffix="address",
                details={
                    loc.slug: format_html(
                        "{} · {}{}",
                        loc.address,
                        loc.phone,
                        mark_safe(' <span class="badge text-bg-warning">demo</span>')
                        if loc.is_demo
                        else "",
                    )
                    for loc in selection.locations
                },
            ),
        )
        self.fields["type"] = forms.ChoiceField(
            label="2. Type of visit",
            required=False,
            choices=[
                (
                    kind.slug,
                    format_html(
                        "<strong>{}</strong> ({} min){}",
                        kind.name,
                        kind.duration_minutes,
                        mark_safe(' <span class="badge text-bg-success">Recommended for you</span>')
                        if recommended == kind.slug
                        else "",
                    ),
                )
                for kind in selection.types
            ],
            widget=DescribedRadioSelect(
                prefix="type",
                suffix="about",
                details={kind.slug: kind.description for kind in selection.types},
            ),
        )
        self.fields["clinician"] = forms.ChoiceField(
            label="Clinician" if rescheduling else "3. Clinician",
            required=False,
            help_text=CLINICIAN_HELP,
            choices=[(ANY, "First available")]
            + [(str(c.pk), c.display_name) for c in selection.clinicians],
        )
        self.places_helper = self._helper(
            Field("location", template=RADIOS), Field("type", template=RADIOS)
        )
        self.clinician_helper = self._helper(Field("clinician", css_class="clinician-select"))
        self.clinician_helper.label_class = "h5 d-block"

    def _helper(self, *fields) -> FormHelper:
        helper = FormHelper(self)
        helper.form_tag = False
        helper.disable_csrf = True
        helper.layout = Layout(*fields)
        return helper


TIMES_TEMPLATE = "booking/includes/waitlist_times.html"


class WaitlistJoinForm(BookingDetailsForm):
    """Join the waitlist: what and when the runner waits for, then the runner as the booking
    form takes them (a claimed offer books with these details)."""

    appointment_type = forms.ChoiceField(label="Type of visit")
    locations = forms.MultipleChoiceField(
        label="Clinic",
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Choose at least one clinic."},
    )
    clinician = forms.ChoiceField(label="Clinician", required=False)
    times = forms.MultipleChoiceField(
        label="Times that suit you",
        choices=[(key, key) for key in waitlist_times.ALL],
        help_text="Tick every part of the week you could come. A visit belongs to the part it "
        "starts in.",
        error_messages={"required": "Tick at least one time that suits you."},
    )
    until = forms.DateField(
        label="Keep me on the list until",
        help_text="For example 2027-01-31.",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Enter a date like 2027-01-31."},
    )

    field_order = [
        "appointment_type",
        "locations",
        "clinician",
        "times",
        "until",
        *BookingDetailsForm.RUNNER_FIELDS,
    ]

    def __init__(self, *args, locations, types, clinicians, today: date, **kwargs) -> None:
        self.today = today
        super().__init__(*args, visit_day=today, **kwargs)
        self.fields["appointment_type"].choices = [(t.slug, t.name) for t in types]
        self.fields["locations"].choices = [(loc.slug, loc.name) for loc in locations]
        self.fields["clinician"].choices = [(ANY, "Any clinician")] + [
            (str(c.pk), c.display_name) for c in clinicians
        ]
        # The times as a week: rows of days, a column per part (the field template's table).
        index = {key: i for i, key in enumerate(waitlist_times.ALL)}
        self.fields["times"].parts = [(name, hours) for _, name, hours, _ in waitlist_times.PARTS]
        self.fields["times"].week = [
            (
                day_label,
                [
                    (f"{day}-{part}", f"{day_label} {part}", index[f"{day}-{part}"])
                    for part, *_ in waitlist_times.PARTS
                ],
            )
            for day, day_label in waitlist_times.WEEKDAYS
        ]
        self.fields[
            "email"
        ].help_text = "We send the offers here, and the link to see or leave the waitlist."
        self.fields["accept_policy"].error_messages["required"] = (
            "Please accept the cancellation policy: a claimed offer books the visit."
        )

    def layout(self) -> Layout:
        details = super().layout()
        return Layout(
            Group(
                "What you are waiting for",
                "appointment_type",
                "locations",
                "clinician",
                Field("times", template=TIMES_TEMPLATE),
                "until",
                css_class="mb-3",
            ),
            *details.fields,
        )

    def clean_until(self) -> date:
        until = self.cleaned_data["until"]
        last = self.today + timedelta(days=settings.BOOKING_HORIZON_DAYS)
        if until < self.today:
            raise forms.ValidationError("Choose a date from today on.")
        if until > last:
            raise forms.ValidationError(
                f"We book up to {settings.BOOKING_HORIZON_DAYS} days ahead: choose a date up to "
                f"{last:%B} {last.day}, {last.year}."
            )
        return until

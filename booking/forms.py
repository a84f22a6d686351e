"""Forms of the public booking flow: the runner's details, and a cancellation."""

from datetime import date

from crispy_forms.layout import HTML, Layout
from django import forms
from django.utils import timezone

from assessments import scoring
from itband import contact
from itband.forms import CrispyForm, Group, GuardianFields

from .models import age_on
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

    REQUIRED_MESSAGES = {
        "first_name": "Enter the runner's first name.",
        "last_name": "Enter the runner's last name.",
        "email": "Enter an email address for the confirmation.",
        "phone": "Enter a phone number.",
        "date_of_birth": "Enter the runner's date of birth.",
    }

    def __init__(self, *args, visit_day: date | None = None, **kwargs) -> None:
        self.visit_day = visit_day
        super().__init__(*args, **kwargs)
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

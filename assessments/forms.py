"""Forms built from the questionnaire data: one generic form for every step."""

import functools
import json
from functools import cached_property

from crispy_forms.layout import Column, Layout, Row
from crispy_forms.utils import render_crispy_form
from django import forms
from django.urls import reverse
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

from itband import contact
from itband.forms import CrispyForm

from .questionnaire import (
    KIND_INTEGER,
    KIND_MULTIPLE,
    KIND_SCALE,
    KIND_SINGLE,
    Question,
    Questionnaire,
    Step,
)

REQUIRED_MESSAGE = {
    KIND_SINGLE: "Please choose an answer.",
    KIND_MULTIPLE: "Please choose at least one answer.",
    KIND_INTEGER: "Please enter a number.",
    KIND_SCALE: "Please choose a number from the scale.",
}

# One radio or checkbox (see StepForm._options_html), around its escaped parts.
OPTION_HTML = (
    '<div class="form-check">\n'
    '        <input class="form-check-input{invalid}" type="{kind}" name="{name}" id="{id}" '
    'value="{value}"{checked}>\n'
    '        <label class="form-check-label" for="{id}">{label}</label>\n'
    "      </div>"
)
# Each option's escaped value, label and id, prepared once per process: they depend only on
# the questionnaire version, the question and the form's auto_id (part of the key).
_OPTION_PARTS: dict[tuple[str, str, str], tuple[tuple[str, str, str, str], ...]] = {}


def remind_me_field() -> forms.BooleanField:
    """The opt-in to one reminder about an unfinished assessment: never ticked by default."""
    return forms.BooleanField(
        label="Remind me once by email if I stop before the end",
        required=False,
        help_text="One email a day after your last answer, with your link. Unsubscribe in one "
        "click.",
    )


class ConsentForm(CrispyForm):
    consent = forms.BooleanField(
        label="I understand this is a self-check, not a diagnosis, and I agree that the clinic "
        "stores my answers to prepare my evaluation.",
        error_messages={"required": "Please tick the box to continue."},
    )
    email = forms.EmailField(
        label="Email",
        required=False,
        help_text="We will send you a link to come back to your answers.",
    )
    remind_me = remind_me_field()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # The link sits in the help text, not the label: the error summary links to the label.
        self.fields["consent"].help_text = format_html(
            '<a href="{}">Read the privacy notice</a>.', reverse("privacy")
        )
        self.fields["email"].widget.attrs["autocomplete"] = "email"

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("remind_me") and not cleaned.get("email") and "email" not in self.errors:
            self.add_error("email", "Please give your email to get a reminder.")
        return cleaned


def field_for(question: Question) -> forms.Field:
    """Every field is optional to Django: whether it must be answered depends on the other
    answers, which ``StepForm.clean`` decides with the questionnaire's rules."""
    common = {"label": question.text, "required": False, "help_text": question.help_text}
    choices = [(option.value, option.label) for option in question.options]
    if question.kind == KIND_SINGLE:
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if question.kind == KIND_MULTIPLE:
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **common
        )
    if question.kind == KIND_SCALE:
        # A row of radios (one tap), never a typed number; the value is stored as an int.
        points = [(str(point), str(point)) for point in question.scale_points]
        return forms.TypedChoiceField(
            choices=points, coerce=int, empty_value=None, widget=forms.RadioSelect, **common
        )
    if question.kind == KIND_INTEGER:
        return forms.IntegerField(
            min_value=question.min_value,
            max_value=question.max_value,
            widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
            error_messages={
                "invalid": "Please enter a whole number.",
                "min_value": "Please enter a number from %(limit_value)s upwards.",
                "max_value": "Please enter a number up to %(limit_value)s.",
            },
            **common,
        )
    return forms.CharField(
        max_length=question.max_length,
        widget=forms.Textarea(attrs={"rows": 2}),
        **common,
    )


class StepForm(forms.Form):
    """One questionnaire step. ``stored`` are the draft's answers (from every step).

    Not a CrispyForm, on purpose: crispy renders each field through its template pack's
    includes and Django's per-option widgets, which for a step's ~45 options were most of the
    page's time; ``rows()`` and templates/assessments/includes/step_questions.html do it."""

    def __init__(self, *args, questionnaire: Questionnaire, step: Step, stored: dict, **kwargs):
        self.questionnaire = questionnaire
        self.step = step
        self.stored = stored
        initial = {q.link_id: stored.get(q.link_id) for q in step.questions}
        super().__init__(*args, initial=initial, **kwargs)
        # Questions switched off by answers on earlier steps are not asked at all; those
        # decided by this step's answers are, and the browser and clean() decide.
        own = {q.link_id for q in step.questions}
        enabled = questionnaire.enabled(stored)
        self.questions = [
            q
            for q in step.questions
            if enabled[q.link_id] or any(c.question in own for c in q.enable_when)
        ]
        for question in self.questions:
            self.fields[question.link_id] = field_for(question)

    def step_answers(self) -> dict:
        """The valid answers given on this step (call after ``is_valid``)."""
        answers = {}
        for question in self.questions:
            value = self.cleaned_data.get(question.link_id)
            if value in (None, "", []):
                continue
            answers[question.link_id] = value
        return answers

    def clean(self):
        cleaned = super().clean()
        merged = {**self.stored, **self.step_answers()}
        for question in self.questions:
            if question.link_id in self.errors:
                continue
            if not self.questionnaire.is_enabled(question, merged):
                continue
            value = merged.get(question.link_id)
            message = question.answer_error(value)
            if message:
                self.add_error(question.link_id, message)
        for link_id in self.questionnaire.missing_required(self.step, merged):
            if link_id in self.fields and link_id not in self.errors:
                question = self.questionnaire.question(link_id)
                self.add_error(link_id, REQUIRED_MESSAGE.get(question.kind, "Please answer."))
        return cleaned

    def partial_answers(self) -> dict:
        """The answers that are valid on their own, for "back" and "save for later"."""
        answers = {}
        for question in self.questions:
            if question.link_id in self.errors:
                # An invalid edit never wipes the answer saved before it.
                if question.link_id in self.stored:
                    answers[question.link_id] = self.stored[question.link_id]
                continue
            value = self.cleaned_data.get(question.link_id)
            if value not in (None, "", []):
                answers[question.link_id] = value
        return answers

    def rows(self) -> list[dict]:
        """What templates/assessments/includes/step_questions.html needs per question,
        prepared once here: the field, its value and errors, the options and the show rule."""
        rows = []
        for question in self.questions:
            field = self[question.link_id]
            show_hint, show_rule, described_by = self._rule_and_notes(question)
            errors = " ".join(field.errors)
            if errors:
                described_by += f"error-{question.link_id}"
            value = field.value()
            test = question.self_test
            auto_id = field.auto_id
            # Plain values only: Django's template engine tries a dict lookup before an
            # attribute, and the failed lookup on an object costs an exception per variable.
            rows.append(
                {
                    "link_id": question.link_id,
                    "text": question.text,
                    "required": question.required,
                    "is_choice": question.is_choice,
                    "kind": question.kind,
                    "help_text": question.help_text,
                    "self_test": {"how": test.how, "look_for": test.look_for, "safety": test.safety}
                    if test
                    else None,
                    "min_value": question.min_value,
                    "max_value": question.max_value,
                    "unit": question.unit,
                    "max_length": question.max_length,
                    "id": auto_id,
                    "name": field.html_name,
                    "value": "" if value is None else value,
                    "errors": errors,
                    "options_html": self._options_html(question, value, auto_id, errors),
                    "show_rule": show_rule,
                    "described_by": described_by,
                    "show_hint": show_hint,
                }
            )
        return rows

    def question_rows(self) -> list[dict]:
        """Version 2's pages (templates/assessments/includes/question.html): per question the
        question and its field, every option's state (a scale's points too), the show rule and
        the ids that describe it. A few questions a page, so objects, not plain values."""
        rows = []
        for question in self.questions:
            field = self[question.link_id]
            show_hint, show_rule, described_by = self._rule_and_notes(question)
            if field.errors:
                described_by += f"error-{question.link_id}"
            rows.append(
                {
                    "question": question,
                    "field": field,
                    "options": self._option_states(question, field),
                    "show_hint": show_hint,
                    "show_rule": show_rule,
                    "described_by": described_by,
                }
            )
        return rows

    def _rule_and_notes(self, question: Question) -> tuple[str, str, str]:
        """A same-page show rule (as JSON for the script, and as a hint without it) and the
        ids of the notes that describe the question."""
        own = self._own_link_ids
        local = [c for c in question.enable_when if c.question in own]
        show_hint = self._hint(local) if local else ""
        show_rule = (
            json.dumps(
                {
                    "behavior": question.enable_behavior,
                    "conditions": [
                        {"q": c.question, "op": c.operator, "values": list(c.values)} for c in local
                    ],
                }
            )
            if local
            else ""
        )
        described_by = "".join(
            f"{prefix}-{question.link_id} "
            for prefix, present in (
                ("hint", show_hint),
                ("help", question.help_text),
                ("test", question.self_test),
            )
            if present
        )
        return show_hint, show_rule, described_by

    @cached_property
    def _own_link_ids(self) -> frozenset[str]:
        return frozenset(q.link_id for q in self.step.questions)

    def _option_states(self, question: Question, field) -> list[dict]:
        """Each radio or checkbox (a scale's points too): value, label, id, ticked."""
        if question.is_choice:
            pairs = [(option.value, option.label) for option in question.options]
        elif question.kind == KIND_SCALE:
            pairs = [(str(point), str(point)) for point in question.scale_points]
        else:
            return []
        value = field.value()
        values = value if isinstance(value, list | tuple) else [value]
        chosen = {str(v) for v in values if v is not None}
        return [
            {"value": v, "label": label, "id": f"{field.auto_id}_{index}", "checked": v in chosen}
            for index, (v, label) in enumerate(pairs)
        ]

    def _options_html(self, question: Question, value, auto_id: str, errors: str) -> SafeString:
        """The radios or checkboxes of a choice question, built here rather than by a template
        loop or Django's per-option widgets (those were most of a step's time)."""
        if not question.is_choice:
            return SafeString()
        key = (self.questionnaire.version, question.link_id, auto_id)
        parts = _OPTION_PARTS.get(key)
        if parts is None:
            parts = _OPTION_PARTS[key] = tuple(
                (
                    option.value,
                    escape(option.value),
                    escape(option.label),
                    escape(f"{auto_id}_{index}"),
                )
                for index, option in enumerate(question.options)
            )
        chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
        invalid = " is-invalid" if errors else ""
        kind = "checkbox" if question.kind == KIND_MULTIPLE else "radio"
        name = escape(question.link_id)
        return SafeString(
            "".join(
                OPTION_HTML.format(
                    invalid=invalid,
                    kind=kind,
                    name=name,
                    id=option_id,
                    value=escaped_value,
                    checked=" checked" if raw in chosen else "",
                    label=label,
                )
                for raw, escaped_value, label, option_id in parts
            )
        )

    def _hint(self, conditions) -> str:
        """Plain words for a same-step rule, shown when JavaScript is off."""
        parts = []
        for condition in conditions:
            source = self.questionnaire.question(condition.question)
            labels = [option.label for option in source.options if option.value in condition.values]
            if condition.operator == "in" and labels:
                parts.append(f"you answered “{' or '.join(labels)}” above")
            elif condition.operator == "not_in" and labels:
                parts.append(f"you did not answer “{' or '.join(labels)}” above")
            else:
                parts.append("it applies to your answer above")
        joiner = " and " if len(parts) > 1 else ""
        return "Answer only if " + joiner.join(parts) + "."


class ContactForm(CrispyForm):
    """Optional contact details, given at the review step to pre-fill the booking. The page's
    heading says they are all optional, so the labels do not repeat it."""

    mark_optional = False

    first_name = forms.CharField(label="First name", max_length=100, required=False)
    last_name = forms.CharField(label="Last name", max_length=100, required=False)
    email = forms.EmailField(
        label="Email",
        required=False,
        # The result reminder's consent (booking.followups): said where the email is given.
        help_text="We email the link to your result (not the result itself), and the next "
        "free times once if you don't book.",
    )
    phone = forms.CharField(
        label="Phone",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel"}),
    )
    date_of_birth = forms.DateField(
        label="Date of birth",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        error_messages={"invalid": "Please enter a date like 1990-04-21."},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["first_name"].widget.attrs["autocomplete"] = "given-name"
        self.fields["last_name"].widget.attrs["autocomplete"] = "family-name"
        self.fields["email"].widget.attrs["autocomplete"] = "email"
        self.fields["date_of_birth"].widget.attrs["autocomplete"] = "bday"

    def layout(self) -> Layout:
        return Layout(
            Row(
                Column("first_name", css_class="col-sm-6"),
                Column("last_name", css_class="col-sm-6"),
            ),
            Row(Column("email", css_class="col-sm-6"), Column("phone", css_class="col-sm-6")),
            Row(Column("date_of_birth", css_class="col-sm-6")),
        )

    def clean_phone(self):
        return contact.clean_phone(self.cleaned_data["phone"], required=False)

    def clean_date_of_birth(self):
        return contact.clean_date_of_birth(self.cleaned_data["date_of_birth"])


class EmailLinkForm(CrispyForm):
    """One address to send a private link to; the page names what the link is for."""

    email = forms.EmailField(
        label="Your email",
        error_messages={"required": "Please enter your email address."},
    )

    def __init__(self, *args, label: str = "", help_text: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.widget.attrs["autocomplete"] = "email"
        if label:
            field.label = label
        if help_text:
            field.help_text = help_text


class ResumeEmailForm(EmailLinkForm):
    """The save-and-resume page: email me the link, and (if ticked) remind me once."""

    remind_me = remind_me_field()


def result_email_form(data=None, *, email: str = "") -> EmailLinkForm:
    """The result and safety pages' "email me the link" form."""
    return EmailLinkForm(
        data,
        initial={"email": email},
        label="Email me the link to this page",
        help_text="We send the link only, never your answers or scores.",
    )


# The unbound form's markup is a constant of this code but for the address filled in: render
# it once per process with a placeholder, then put each runner's address (escaped) in its
# place. Rendering it through crispy-forms was half of the result page's template time.
EMAIL_PLACEHOLDER = "runner-email-placeholder.invalid"


@functools.cache
def _unbound_email_form_html() -> str:
    return str(render_crispy_form(result_email_form(email=EMAIL_PLACEHOLDER)))


def result_email_form_html(form: EmailLinkForm) -> SafeString:
    """``form`` (from ``result_email_form``) as crispy-forms renders it. A bound form (with
    what was typed, and its errors) is rendered as it is."""
    if form.is_bound:
        return render_crispy_form(form)
    email = form.initial.get("email") or ""
    filled = f' value="{escape(email)}"' if email else ""
    html = _unbound_email_form_html().replace(f' value="{EMAIL_PLACEHOLDER}"', filled, 1)
    if EMAIL_PLACEHOLDER in html:  # crispy-forms wrote the value some other way
        return render_crispy_form(form)
    return mark_safe(html)  # crispy-forms markup; the address is escaped above

"""Forms built from the questionnaire data: one generic form for every step."""

import json
from datetime import date

from django import forms
from django.utils.safestring import SafeString, mark_safe

from itband.fragments import render_fragment

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

QUESTIONS_TEMPLATE = "assessments/step_questions.jinja"
NOTES_TEMPLATE = "assessments/question_notes.jinja"
OPTION_TEMPLATE = "assessments/question_option.jinja"
# Markup that is the same for every runner, rendered once per process (see StepForm).
_OPTION_HTML: dict[tuple[str, str, int, bool, bool], SafeString] = {}
_NOTES_HTML: dict[tuple[str, str], SafeString] = {}


class ConsentForm(forms.Form):
    consent = forms.BooleanField(
        label="I understand this is a self-check, not a diagnosis, and I agree that the clinic "
        "stores my answers to prepare my evaluation.",
        error_messages={"required": "Please tick the box to continue."},
    )
    email = forms.EmailField(
        label="Email (optional)",
        required=False,
        help_text="We will send you a link to come back to your answers. Nothing else.",
    )


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
    """One questionnaire step. ``stored`` are the draft's answers (from every step)."""

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

    def questions_html(self) -> SafeString:
        """The step's questions, every answer and message in place (rendered by Jinja2, which
        autoescapes: templates/jinja2/assessments/step_questions.jinja)."""
        return render_fragment(QUESTIONS_TEMPLATE, {"rows": self.rows()})

    def rows(self) -> list[dict]:
        """What the Jinja2 template needs per question: ``question_rows`` and the markup of
        the options and notes (version 1's pages)."""
        rows = self.question_rows()
        for row in rows:
            row["options_html"] = self._options_html(row["question"], row["field"])
            row["notes"] = self._notes(row["question"], row["show_hint"])
        return rows

    def question_rows(self) -> list[dict]:
        """What a template needs per question: the field, its options with their state, the
        show rule and the ids that describe it (version 2's Django templates use these)."""
        own = {q.link_id for q in self.step.questions}
        rows = []
        for question in self.questions:
            local = [c for c in question.enable_when if c.question in own]
            field = self[question.link_id]
            show_hint = self._hint(local) if local else ""
            described_by = "".join(
                f"{prefix}-{question.link_id} "
                for prefix, present in (
                    ("hint", show_hint),
                    ("help", question.help_text),
                    ("test", question.self_test),
                )
                if present
            )
            if field.errors:
                described_by += f"error-{question.link_id}"
            rows.append(
                {
                    "question": question,
                    "field": field,
                    "options": self._option_states(question, field),
                    "show_hint": show_hint,
                    "show_rule": json.dumps(
                        {
                            "behavior": question.enable_behavior,
                            "conditions": [
                                {"q": c.question, "op": c.operator, "values": list(c.values)}
                                for c in local
                            ],
                        }
                    )
                    if local
                    else "",
                    "described_by": described_by,
                }
            )
        return rows

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

    def _notes(self, question: Question, show_hint: str) -> SafeString:
        """The hint, help and self-test under a question: the same for every runner, so each
        is rendered once per process."""
        key = (self.questionnaire.version, question.link_id)
        html = _NOTES_HTML.get(key)
        if html is None:
            context = {"question": question, "show_hint": show_hint}
            html = _NOTES_HTML[key] = render_fragment(NOTES_TEMPLATE, context)
        return html

    def _options_html(self, question: Question, field) -> SafeString:
        """The radios or checkboxes of a choice question. Each option's markup depends only on
        the question, whether it is ticked and whether the question has an error, so each
        variant is rendered once per process (Django's per-option widgets, and then a template
        loop, were most of the step's time)."""
        if not question.is_choice:
            return SafeString()
        value = field.value()
        chosen = {str(v) for v in value} if isinstance(value, list | tuple) else {str(value)}
        invalid = bool(field.errors)
        pieces = []
        for index, option in enumerate(question.options):
            checked = option.value in chosen
            key = (self.questionnaire.version, question.link_id, index, checked, invalid)
            html = _OPTION_HTML.get(key)
            if html is None:
                context = {
                    "question": question,
                    "option": option,
                    "id": f"{field.auto_id}_{index}",
                    "checked": checked,
                    "invalid": invalid,
                }
                html = _OPTION_HTML[key] = render_fragment(OPTION_TEMPLATE, context)
            pieces.append(html)
        return mark_safe("".join(pieces))  # each piece rendered by Jinja2, autoescaped

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


class ContactForm(forms.Form):
    """Optional contact details, given at the review step to pre-fill the booking."""

    first_name = forms.CharField(label="First name", max_length=100, required=False)
    last_name = forms.CharField(label="Last name", max_length=100, required=False)
    email = forms.EmailField(
        label="Email",
        required=False,
        help_text="We will email you the link to your result (not the result itself).",
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

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        digits = [c for c in phone if c.isdigit()]
        if phone and not 7 <= len(digits) <= 15:
            raise forms.ValidationError("Please enter a phone number with 7 to 15 digits.")
        return phone

    def clean_date_of_birth(self):
        born = self.cleaned_data["date_of_birth"]
        if born and not date(1900, 1, 1) <= born <= date.today():
            raise forms.ValidationError("Please enter your real date of birth.")
        return born


class EmailLinkForm(forms.Form):
    email = forms.EmailField(
        label="Your email",
        error_messages={"required": "Please enter your email address."},
    )

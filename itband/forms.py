"""The base of the project's forms: rendered by crispy-forms with its Bootstrap 5 pack.

Django itself ties each input to its help text and message (``aria-describedby``) and marks it
``aria-invalid``; crispy gives the Bootstrap classes (44 px targets: static/css/site.css). The
page keeps its own ``<form>``, CSRF token, error summary (includes/form_errors.html) and
buttons, so the helper renders fields only.
"""

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Fieldset, Layout
from django import forms
from django.forms.utils import pretty_name
from django.utils.html import format_html

from . import contact

OPTIONAL = '{} <span class="fw-normal text-body-secondary">(optional)</span>'


class Group(Fieldset):
    """A fieldset whose legend is styled like a heading (crispy's legend takes no class).

    ``Group("The runner", "first_name", ..., legend_class="h5", css_class="mb-3",
    aria_describedby="about")``."""

    template = "includes/crispy/group.html"

    def __init__(self, legend, *fields, legend_class: str = "h5", **kwargs) -> None:
        super().__init__(legend, *fields, **kwargs)
        self.legend_class = legend_class


class CrispyForm(forms.Form):
    """Subclasses may define ``layout()`` (crispy Layout objects) where fields form groups;
    without one, every field in order. Optional fields say so in their label (unless
    ``mark_optional`` is off: a form whose heading already says every field is optional);
    required ones carry no mark (crispy's asterisk is hidden by the site's CSS)."""

    mark_optional = True

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        for name, field in self.fields.items():
            optional = not field.required and not isinstance(field.widget, forms.CheckboxInput)
            if optional and self.mark_optional:
                field.label = format_html(OPTIONAL, field.label or pretty_name(name))
        self.helper = FormHelper(self)
        self.helper.form_tag = False
        self.helper.disable_csrf = True
        layout = self.layout()
        if layout is not None:
            self.helper.layout = layout

    def layout(self) -> Layout | None:
        return None


class GuardianFields(forms.Form):
    """A minor's parent or guardian, as the booking form and the desk's contact form ask for
    them (whether they are needed depends on the runner's age: the booking form's clean)."""

    # The runner's own fields first, wherever a subclass declares them; layouts group them.
    RUNNER_FIELDS = ("first_name", "last_name", "email", "phone", "date_of_birth")
    GUARDIAN_FIELDS = ("guardian_name", "guardian_phone", "guardian_email")
    field_order = list(RUNNER_FIELDS)

    guardian_name = forms.CharField(
        label="Parent or guardian's name", max_length=200, required=False
    )
    guardian_phone = forms.CharField(
        label="Parent or guardian's phone",
        max_length=30,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel"}),
    )
    guardian_email = forms.EmailField(
        label="Parent or guardian's email",
        required=False,
        error_messages={"invalid": "Enter an email address like name@example.com."},
    )

    def clean_guardian_phone(self) -> str:
        return contact.clean_phone(self.cleaned_data["guardian_phone"], required=False)

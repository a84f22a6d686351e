"""The check-in form: the instruments' items as tap scales (custom crispy field templates
under templates/outcomes/fields/). Every field is optional here: save and resume keeps any
subset, and the submit rule (NPRS, running status, GROC after the baseline; LEFS scored with
up to 2 items missing) lives in services.score_answers."""

from crispy_forms.layout import HTML, Field, Layout
from django import forms
from django.utils.html import format_html

from itband.forms import CrispyForm, Group

from . import instruments

NPRS_FIELD = "outcomes/fields/tap_scale.html"
LEFS_FIELD = "outcomes/fields/lefs_item.html"
OPTIONS_FIELD = "outcomes/fields/options.html"


def _choices(instrument) -> list[tuple[str, str]]:
    return [(str(o.value), o.label) for o in instrument.options]


class CheckInForm(CrispyForm):
    mark_optional = False  # the page says which answers are needed

    nprs = forms.ChoiceField(
        label=instruments.NPRS.question,
        choices=_choices(instruments.NPRS),
        required=False,
        widget=forms.RadioSelect,
    )
    running_status = forms.ChoiceField(
        label=instruments.RUNNING_STATUS.question,
        choices=_choices(instruments.RUNNING_STATUS),
        required=False,
        widget=forms.RadioSelect,
    )
    groc = forms.ChoiceField(
        label=instruments.GROC.question,
        choices=_choices(instruments.GROC),
        required=False,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args, with_groc: bool = True, **kwargs) -> None:
        self.with_groc = with_groc
        super().__init__(*args, **kwargs)
        for item in instruments.LEFS.items:
            self.fields[item.link_id] = forms.ChoiceField(
                label=item.text,
                choices=_choices(instruments.LEFS),
                required=False,
                widget=forms.RadioSelect,
            )
        if not with_groc:
            del self.fields["groc"]
        self.helper.layout = self.layout()

    def layout(self) -> Layout:
        if not hasattr(self, "with_groc"):
            return None  # CrispyForm.__init__ asks before the LEFS fields exist
        lefs_key = format_html(
            '<p id="lefs-about">{}</p><p class="small text-body-secondary" id="lefs-key">{}</p>',
            instruments.LEFS.question,
            "; ".join(f"{o.value}: {o.label}" for o in instruments.LEFS.options),
        )
        parts = [
            Group("Pain", Field("nprs", template=NPRS_FIELD), css_class="mb-4"),
            Group(
                "Daily activities and running (LEFS)",
                HTML(lefs_key),
                *(Field(item.link_id, template=LEFS_FIELD) for item in instruments.LEFS.items),
                css_class="mb-4",
                aria_describedby="lefs-about",
            ),
            Group("Running", Field("running_status", template=OPTIONS_FIELD), css_class="mb-4"),
        ]
        if self.with_groc:
            parts.append(
                Group("Overall change", Field("groc", template=OPTIONS_FIELD), css_class="mb-4")
            )
        return Layout(*parts)

    def answers(self) -> dict:
        """The answers given, as the services take them."""
        return {k: v for k, v in self.cleaned_data.items() if v not in ("", None)}

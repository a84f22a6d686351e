"""The clinic page's filter: a period (at most two years) and a clinic (both, or one)."""

from datetime import date, timedelta

from crispy_forms.layout import Column, Layout, Row
from django import forms

from booking import directory
from itband.forms import CrispyForm

from .selectors import BOTH

DEFAULT_DAYS = 90
MAX_DAYS = 731
DATE_WIDGET = {"type": "date"}


def default_period(today: date) -> dict:
    """The last 90 days, today included."""
    return {"start": today - timedelta(days=DEFAULT_DAYS - 1), "end": today, "clinic": BOTH}


class PeriodForm(CrispyForm):
    start = forms.DateField(
        label="From", widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d")
    )
    end = forms.DateField(label="To", widget=forms.DateInput(attrs=DATE_WIDGET, format="%Y-%m-%d"))
    clinic = forms.ChoiceField(label="Clinic", required=False)
    mark_optional = False

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["clinic"].choices = [
            (BOTH, "Both clinics"),
            *((location.slug, location.name) for location in directory.active_locations()),
        ]

    def layout(self) -> Layout:
        return Layout(
            Row(
                Column("start", css_class="col-auto"),
                Column("end", css_class="col-auto"),
                Column("clinic", css_class="col-auto"),
            )
        )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end"):
            if data["end"] < data["start"]:
                raise forms.ValidationError("The end date is before the start date.")
            if (data["end"] - data["start"]).days > MAX_DAYS:
                raise forms.ValidationError("Choose at most two years at a time.")
        data["clinic"] = data.get("clinic") or BOTH
        return data

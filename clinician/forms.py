"""The clinician's small forms on an intake: a private note, closing, contact, clearing a flag.

Several stand on one page and two share a field name, so each form's ids carry its action
(``id_note-clear_flag``): labels, messages and ``aria-describedby`` stay unique."""

from crispy_forms.layout import Column, Layout, Row
from django import forms

from booking import directory
from itband.forms import CrispyForm


class IntakeForm(CrispyForm):
    action = ""  # the submit button's value, which the view dispatches on

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("auto_id", f"id_%s-{self.action}")
        super().__init__(*args, **kwargs)


class NoteForm(IntakeForm):
    action = "note"

    body = forms.CharField(
        label="Private note",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Please write the note first."},
    )


class CloseForm(IntakeForm):
    action = "close"

    reason = forms.CharField(
        label="Why is it closed without a visit?",
        max_length=500,
        error_messages={"required": "Please give a reason."},
    )


class ClearFlagForm(IntakeForm):
    action = "clear_flag"

    note = forms.CharField(
        label="Why it can be cleared, after your phone triage (e.g. seen by GP, cleared for evaluation)",
        max_length=1000,
        error_messages={"required": "Please say why the flag can be cleared."},
    )


class ContactForm(IntakeForm):
    action = "contact"

    note = forms.CharField(
        label="What was said",
        max_length=1000,
        error_messages={"required": "Please note what was said."},
    )


class QueueFilterForm(CrispyForm):
    """The queue's filters. Rendered from the view's own tolerant reading of the query string
    (an unknown state shows the default, never an error)."""

    mark_optional = False

    state = forms.ChoiceField(label="Status")
    location = forms.ChoiceField(label="Clinic", required=False)
    mine = forms.BooleanField(label="My patients only", required=False)

    def __init__(self, *args, states, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = states
        self.fields["location"].choices = [("", "Both clinics")] + [
            (location.slug, location.name) for location in directory.active_locations()
        ]
        self.fields["mine"].widget.attrs["value"] = "1"

    def layout(self) -> Layout:
        return Layout(
            Row(
                Column("state", css_class="col-auto"),
                Column("location", css_class="col-auto"),
                Column("mine", css_class="col-auto align-self-end mb-2"),
                css_class="g-2",
            )
        )

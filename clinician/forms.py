"""The clinician's small forms on an intake: a private note, closing, contact, clearing a flag.

Several stand on one page and two share a field name, so each form's ids carry its action
(``id_note-clear_flag``): labels, messages and ``aria-describedby`` stay unique."""

from django import forms

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

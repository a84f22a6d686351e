"""The clinician's small forms on an intake: a private note, closing, contact, clearing a flag."""

from django import forms


class NoteForm(forms.Form):
    body = forms.CharField(
        label="Private note",
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": "Please write the note first."},
    )


class CloseForm(forms.Form):
    reason = forms.CharField(
        label="Why is it closed without a visit?",
        max_length=500,
        error_messages={"required": "Please give a reason."},
    )


class ClearFlagForm(forms.Form):
    note = forms.CharField(
        label="Why it can be cleared, after your phone triage (e.g. seen by GP, cleared for evaluation)",
        max_length=1000,
        error_messages={"required": "Please say why the flag can be cleared."},
    )


class ContactForm(forms.Form):
    note = forms.CharField(
        label="What was said",
        max_length=1000,
        error_messages={"required": "Please note what was said."},
    )

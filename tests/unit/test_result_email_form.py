"""assessments.forms.result_email_form_html: the result page's "email me the link" form from a
markup rendered once, with each runner's address put in its place, reads exactly as
crispy-forms renders it, whatever the address holds."""

import pytest
from crispy_forms.utils import render_crispy_form

from assessments.forms import EMAIL_PLACEHOLDER, result_email_form, result_email_form_html


@pytest.mark.parametrize(
    "email",
    ["", "riley@example.com", "o'neil+runs@example.com", '"<script>"@example.com', "ü@é.de"],
)
def test_it_reads_as_crispy_renders_it(email):
    expected = str(render_crispy_form(result_email_form(email=email)))
    html = str(result_email_form_html(result_email_form(email=email)))
    assert html == expected
    assert EMAIL_PLACEHOLDER not in html


def test_a_bound_form_shows_what_was_typed_and_its_error():
    form = result_email_form({"email": "not-an-address"})
    assert not form.is_valid()
    html = str(result_email_form_html(form))
    assert 'value="not-an-address"' in html and "is-invalid" in html

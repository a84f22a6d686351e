"""Bad input, property-based: every public form, hostile values, never a 5xx.

Values are random and huge strings, unicode, NUL bytes, numbers out of range, lists where one
value is expected, missing and unknown fields. Wherever a form comes back with errors, the valid
answers the runner gave are still in it. Bounded (MAX_EXAMPLES per form) and deterministic.
"""

from datetime import date

import pytest
from django.test import Client
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from assessments.questionnaire import (
    KIND_INTEGER,
    KIND_MULTIPLE,
    KIND_SCALE,
    KIND_SINGLE,
    get_version,
)
from tests.assessment_data import WEAK_GLUTES, make_submission
from tests.factories import AppointmentFactory

from .conftest import (
    Page,
    answered_draft,
    assert_safe_html,
    rolled_back,
    selection,
    slot_start,
)

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 40
FUZZ = settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)

ODD = [
    "", " ", "\x00", "a\x00b", "-1", "1e309", "NaN", "Infinity", "0x10", "٣", "１２", "9" * 400,
    "2026-02-30", "0001-01-01", "9999-12-31", "1899-12-31", "<script>alert(1)</script>",
    "' OR 1=1--", "\u202e", "🏃‍♀️", "on", "true", "None", "[]", "{}", "%00", "\r\nX: y",
]  # fmt: skip
scalar = st.one_of(
    st.text(max_size=40),
    st.text(min_size=1, max_size=5).map(lambda s: s + "\x00" + s),
    st.integers(min_value=-(10**30), max_value=10**30).map(str),
    st.sampled_from(ODD),
    st.just("x" * 20_000),
)
# Lists where one value is expected, and the reverse.
hostile = st.one_of(scalar, st.lists(scalar, min_size=2, max_size=4))
unknown_fields = st.dictionaries(
    st.sampled_from(["extra", "admin", "is_staff", "status", "token", "pk", "id", "csrf"]),
    hostile,
    max_size=3,
)
plain_text = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=60
).filter(lambda s: s.strip() == s and s.strip())


def post(client: Client, url: str, data: dict):
    response = client.post(url, data)
    assert response.status_code < 500, (url, response.status_code)
    event(f"status {response.status_code}")  # shown by --hypothesis-show-statistics
    return response


def controls(response) -> dict[str, list[str]]:
    html = response.content.decode()
    assert_safe_html(html, response.request["PATH_INFO"])
    return Page.of(html).controls


def assert_kept(response, given: dict[str, object]) -> None:
    """The form came back with errors: each valid value the runner gave is still filled in."""
    form = response.context["form"]
    assert form.errors
    shown = controls(response)
    for name, value in given.items():
        if name not in form.fields:
            continue
        expected = sorted(value) if isinstance(value, list) else [str(value)]
        assert sorted(shown.get(name, [])) == expected, (name, value, shown.get(name))


# --- The consent form ------------------------------------------------------------------------
@FUZZ
@given(
    consent=st.one_of(st.none(), st.just("on"), hostile),
    email=st.one_of(st.none(), st.emails().filter(lambda e: len(e) < 200), hostile),
    extra=unknown_fields,
)
def test_consent(no_rate_limits, consent, email, extra):
    with rolled_back():
        data = {**extra, "consent": consent, "email": email}
        data = {k: v for k, v in data.items() if v is not None}
        response = post(Client(), "/assessment/", data)
        if response.status_code == 302:
            assert "/step/your-running/" in response["Location"]
        else:
            form = response.context["form"]
            valid = {"email": email} if email is not None and "email" not in form.errors else {}
            assert_kept(response, valid)


# --- Every questionnaire step ----------------------------------------------------------------
def valid_answer(question) -> st.SearchStrategy:
    values = [option.value for option in question.options]
    if question.kind == KIND_SINGLE:
        return st.sampled_from(values)
    if question.kind == KIND_MULTIPLE:
        return st.lists(st.sampled_from(values), min_size=1, max_size=2, unique=True)
    if question.kind in (KIND_INTEGER, KIND_SCALE):
        return st.integers(question.min_value, question.max_value)
    return plain_text.filter(lambda s: len(s) <= question.max_length)


# Version 1's steps (drafts on it still open) and version 2's core pages.
STEPS = [
    (version, index)
    for version in ("1", "2")
    for index in range(len(get_version(version).core_steps))
]


@pytest.mark.parametrize(
    ("version", "index"),
    STEPS,
    ids=[f"v{v}-{get_version(v).core_steps[i].slug}" for v, i in STEPS],
)
@FUZZ
@given(data=st.data())
def test_questionnaire_step(no_rate_limits, reference_data, version, index, data):
    step = get_version(version).core_steps[index]
    with rolled_back():
        draft = answered_draft(steps=index, version=version)
        sent, valid = {}, {}
        for question in step.questions:
            choice = data.draw(st.sampled_from(["valid", "hostile", "missing"]))
            if choice == "valid":
                value = data.draw(valid_answer(question))
                sent[question.link_id] = valid[question.link_id] = value
            elif choice == "hostile":
                sent[question.link_id] = data.draw(hostile)
        sent.update(data.draw(unknown_fields))
        sent["action"] = data.draw(st.sampled_from(["next", "next", "back", "save", "x\x00"]))
        url = f"/assessment/{draft.token}/step/{step.slug}/"
        response = post(Client(), url, sent)
        if response.status_code == 400:
            assert_kept(response, valid)
        else:
            assert response.status_code == 302, response.status_code


# --- The review's contact form, and the two email-link forms ---------------------------------
def either(valid: st.SearchStrategy) -> st.SearchStrategy:
    """(True, a valid value), (False, a hostile one) or None (the field is left out)."""
    return st.one_of(st.none(), valid.map(lambda v: (True, v)), hostile.map(lambda v: (False, v)))


def split(fields: dict) -> tuple[dict, dict]:
    """The data to send, and the part of it that was meant to be valid."""
    sent = {k: v[1] for k, v in fields.items() if v is not None}
    valid = {k: v[1] for k, v in fields.items() if v is not None and v[0]}
    return sent, valid


names = plain_text.filter(lambda s: len(s) <= 100)
emails = st.emails().filter(lambda e: len(e) < 200)


@FUZZ
@given(
    fields=st.fixed_dictionaries(
        {
            "first_name": either(names),
            "last_name": either(names),
            "email": either(emails),
            "phone": either(st.just("(301) 555-0100")),
            "date_of_birth": either(st.dates(date(1901, 1, 1), date(2020, 1, 1)).map(str)),
        }
    ),
    extra=unknown_fields,
)
def test_review_contact_form(no_rate_limits, reference_data, fields, extra):
    sent, valid = split(fields)
    with rolled_back():
        draft = answered_draft()
        response = post(Client(), f"/assessment/{draft.token}/review/", {**extra, **sent})
        if response.status_code == 400:
            errors = response.context["form"].errors
            assert_kept(response, {k: v for k, v in valid.items() if k not in errors})
        else:
            assert response.status_code == 302
            assert response["Location"].endswith("/result/")


@pytest.mark.parametrize("form_page", ["saved", "result/email"])
@FUZZ
@given(email=st.one_of(emails, hostile), extra=unknown_fields)
def test_email_link_forms(no_rate_limits, reference_data, form_page, email, extra):
    with rolled_back():
        submission = (
            answered_draft(steps=1) if form_page == "saved" else make_submission(WEAK_GLUTES)
        )
        url = f"/assessment/{submission.token}/{form_page}/"
        response = post(Client(), url, {**extra, "email": email})
        assert response.status_code in (302, 400), response.status_code


# --- Booking: the runner's details (for a real free time), cancel and reschedule --------------
@FUZZ
@given(
    fields=st.fixed_dictionaries(
        {
            "first_name": either(names),
            "last_name": either(names),
            "email": either(st.just("riley@example.com")),
            "phone": either(st.just("(301) 555-0100")),
            "date_of_birth": either(st.sampled_from(["1990-04-23", "2014-05-01"])),
            "guardian_name": either(names),
            "guardian_phone": either(st.just("(301) 555-0111")),
            "guardian_email": either(st.just("parent@example.com")),
            "guardian_consent": either(st.just("on")),
            "accept_policy": either(st.just("on")),
            "booking_key": either(st.just("k" * 22)),
            "intake": either(st.just("")),
            "around": either(st.just("")),
        }
    ),
    extra=unknown_fields,
)
def test_booking_details(no_rate_limits, clinic, fields, extra):
    sent, valid = split(fields)
    with rolled_back():
        data = {**extra, **selection(clinic, slot_start(clinic)), **sent}
        response = post(Client(), "/book/details/", data)
        if response.status_code == 302:
            return  # booked (or a double submit sent to its booking)
        assert response.status_code in (200, 400), response.status_code
        form = response.context["form"]
        if form.errors:
            text = {"first_name", "last_name", "email", "phone", "date_of_birth", "guardian_name"}
            assert_kept(
                response, {k: v for k, v in valid.items() if k in text and k not in form.errors}
            )


@pytest.fixture
def appointment(clinic):
    return AppointmentFactory(
        clinician=clinic.clinician,
        location=clinic.location,
        appointment_type=clinic.types["initial-evaluation"],
        start=slot_start(clinic, days=5, hour=9),
        end=slot_start(clinic, days=5, hour=10),
    )


@FUZZ
@given(reason=st.one_of(st.none(), hostile), extra=unknown_fields)
def test_manage_cancel(no_rate_limits, appointment, reason, extra):
    with rolled_back():
        data = {**extra} | ({} if reason is None else {"reason": reason})
        response = post(Client(), f"/book/manage/{appointment.manage_token}/cancel/", data)
        assert response.status_code == 302


@FUZZ
@given(
    fields=st.fixed_dictionaries(
        {},
        optional=dict.fromkeys(("start", "clinician", "location", "type", "date", "from"), hostile),
    ),
    valid_start=st.booleans(),
)
def test_manage_reschedule(no_rate_limits, clinic, appointment, fields, valid_start):
    with rolled_back():
        data = dict(fields)
        if valid_start:
            data["start"] = slot_start(clinic, days=6, hour=11).isoformat()
        url = f"/book/manage/{appointment.manage_token}/reschedule/"
        response = post(Client(), url, data)
        assert response.status_code in (200, 302)
        if response.status_code == 200:
            assert_safe_html(response.content.decode(), url)


@FUZZ
@given(
    params=st.dictionaries(
        st.sampled_from(
            [
                "location",
                "type",
                "clinician",
                "date",
                "from",
                "start",
                "intake",
                "fragment",
                "around",
            ]
        ),
        scalar,
        max_size=6,
    )
)
def test_slot_picker_query_strings(no_rate_limits, clinic, appointment, params):
    """The GET forms: the picker, the details page and the reschedule picker."""
    client = Client()
    for url in ("/book/", "/book/details/", f"/book/manage/{appointment.manage_token}/reschedule/"):
        response = client.get(url, params)
        assert response.status_code in (200, 302), (url, params, response.status_code)


# --- Oversized requests ----------------------------------------------------------------------
def test_oversized_and_overfilled_posts_are_refused_cleanly(no_rate_limits, reference_data):
    client = Client(raise_request_exception=False)
    draft = answered_draft(steps=0)
    url = f"/assessment/{draft.token}/step/about-you/"
    too_big = client.post(url, {"next_race_name": "x" * 3_000_000})
    assert too_big.status_code == 400
    too_many = client.post(url, {f"f{n}": "x" for n in range(1200)})
    assert too_many.status_code == 400
    draft.refresh_from_db()
    assert draft.answers == {}

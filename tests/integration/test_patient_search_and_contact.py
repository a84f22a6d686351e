"""One patient search (Patient.objects.matching) and one set of contact checks (itband.contact),
used by the desk, the booking form and the runner's review step alike."""

from datetime import date

import pytest
from django import forms

from booking.models import Patient, same_runner
from itband import contact
from tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


def names(queryset) -> set[str]:
    return {p.first_name for p in queryset}


def test_every_word_must_match_somewhere():
    PatientFactory(first_name="Riley", last_name="Stone", email="rs@example.com")
    PatientFactory(first_name="Riley", last_name="Banks", email="rb@example.com")
    assert names(Patient.objects.matching("riley")) == {"Riley"}
    assert Patient.objects.matching("riley stone").count() == 1
    assert Patient.objects.matching("riley nobody").count() == 0


def test_a_phone_search_needs_four_digits_and_ignores_punctuation():
    PatientFactory(first_name="Ana", phone="(301) 555-0142")
    PatientFactory(first_name="Bo", phone="703.555.9999")
    assert names(Patient.objects.matching("0142")) == {"Ana"}
    assert names(Patient.objects.matching("301-555-0142")) == {"Ana"}
    assert names(Patient.objects.matching("555")) == set()  # three digits: too wide
    assert Patient.objects.matching("").count() == 0


def test_a_date_finds_the_patient_born_that_day_among_namesakes():
    PatientFactory(first_name="Avery", last_name="Rossi", date_of_birth=date(1990, 4, 21))
    PatientFactory(first_name="Avi", last_name="Rossi", date_of_birth=date(2008, 1, 3))
    assert names(Patient.objects.matching("1990-04-21")) == {"Avery"}
    assert names(Patient.objects.matching("rossi 01/03/2008")) == {"Avi"}
    assert names(Patient.objects.matching("rossi")) == {"Avery", "Avi"}
    assert Patient.objects.matching("1990-02-30").count() == 0  # not a date: a text word


def test_the_same_runner_is_email_names_and_birthday_in_any_case():
    patient = PatientFactory(
        first_name="Riley",
        last_name="Stone",
        email="Riley@Example.com",
        date_of_birth=date(1990, 4, 2),
    )
    twin = PatientFactory(
        first_name="Robin",
        last_name="Stone",
        email="riley@example.com",
        date_of_birth=date(1990, 4, 2),
    )
    assert same_runner(patient, patient)
    assert not same_runner(patient, twin)
    assert list(Patient.objects.same_runner_as(patient)) == [patient]


@pytest.mark.parametrize(
    ("value", "ok"),
    [
        ("(301) 555-0100", True),
        ("555 0100", True),
        ("555 010", False),
        ("+1 234 567 890 123 456", False),
    ],
)
def test_one_phone_rule(value, ok):
    if ok:
        assert contact.clean_phone(value) == value.strip()
    else:
        with pytest.raises(forms.ValidationError, match="7 to 15 digits"):
            contact.clean_phone(value)
    assert contact.clean_phone("  ", required=False) == ""


def test_one_date_of_birth_rule():
    today = date(2026, 6, 10)
    assert contact.clean_date_of_birth(date(1990, 1, 1), today=today) == date(1990, 1, 1)
    for bad in (today, date(2027, 1, 1), date(1900, 1, 1)):
        with pytest.raises(forms.ValidationError):
            contact.clean_date_of_birth(bad, today=today)

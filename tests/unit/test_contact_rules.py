"""The guardian rule (itband.contact.guardian_gaps): the one statement the booking and desk forms
and the booking service all use."""

from datetime import date

import pytest

from booking.services import PatientDetails
from itband.contact import GUARDIAN_GAPS, guardian_gaps

COMPLETE = {"name": "Pat Runner", "phone": "(301) 555-0100", "email": "", "consent": True}


def test_a_name_a_way_to_reach_them_and_consent_is_complete():
    assert guardian_gaps(**COMPLETE) == {}
    assert guardian_gaps(**{**COMPLETE, "phone": "", "email": "pat@example.com"}) == {}


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"name": "   "}, "guardian_name"),
        ({"phone": "", "email": " "}, "guardian_phone"),
        ({"consent": False}, "guardian_consent"),
    ],
)
def test_each_gap_is_named_by_its_field(change, field):
    assert guardian_gaps(**{**COMPLETE, **change}) == {field: GUARDIAN_GAPS[field]}


def test_the_service_and_the_rule_agree():
    def details(**guardian):
        return PatientDetails(
            first_name="Riley",
            last_name="Runner",
            email="riley@example.com",
            phone="(301) 555-0100",
            date_of_birth=date(2012, 5, 1),
            **{f"guardian_{k}": v for k, v in guardian.items()},
        )

    assert details(**COMPLETE).guardian_complete
    assert not details(**{**COMPLETE, "consent": False}).guardian_complete
    assert not details(**{**COMPLETE, "phone": ""}).guardian_complete

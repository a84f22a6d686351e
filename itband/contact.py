"""The contact fields every form checks the same way (the runner's review step, the booking
form, the desk's forms): a phone number and a date of birth, each with one documented limit.

- A phone number has 7 to 15 digits, punctuation and spaces aside: 7 is the shortest local
  number, 15 the longest international one (E.164, country code included).
- A date of birth is in the past and at most 110 years back.
"""

from datetime import date

from django import forms
from django.utils import timezone

PHONE_MIN_DIGITS = 7
PHONE_MAX_DIGITS = 15
OLDEST_AGE = 110

PHONE_MESSAGE = f"Enter a phone number with {PHONE_MIN_DIGITS} to {PHONE_MAX_DIGITS} digits."


def age_on(date_of_birth: date, day: date) -> int:
    """Whole years of age on ``day``."""
    years = day.year - date_of_birth.year
    if (day.month, day.day) < (date_of_birth.month, date_of_birth.day):
        years -= 1
    return years


def namesake_words(date_of_birth: date | None, phone: str | None, *, on: date) -> str:
    """What tells two patients of the same name apart on staff pages: "b. 1990 (36) · …0142"
    (year of birth, age on ``on``, the phone's last four digits)."""
    parts = []
    if date_of_birth:
        parts.append(f"b. {date_of_birth.year} ({age_on(date_of_birth, on)})")
    digits = "".join(ch for ch in phone or "" if ch.isdigit())
    if len(digits) >= 4:
        parts.append(f"…{digits[-4:]}")
    return " · ".join(parts)


def clean_phone(value: str | None, *, required: bool = True) -> str:
    """The number as typed (trimmed), or a ValidationError; "" for an optional empty one."""
    value = (value or "").strip()
    if not value and not required:
        return ""
    if not PHONE_MIN_DIGITS <= sum(ch.isdigit() for ch in value) <= PHONE_MAX_DIGITS:
        raise forms.ValidationError(PHONE_MESSAGE)
    return value


def clean_date_of_birth(born: date | None, *, today: date | None = None) -> date | None:
    """The date, or a ValidationError; None stays None (the field's own required check)."""
    if born is None:
        return None
    today = today or timezone.localdate()
    if born >= today:
        raise forms.ValidationError("The date of birth must be in the past.")
    if age_on(born, today) > OLDEST_AGE:
        raise forms.ValidationError("Please check the year of birth.")
    return born


# A runner under 18 on the day of the visit needs a parent or guardian: a name, a way to reach
# them (phone or email) and their consent. The one statement of that rule: the booking and desk
# forms show its gaps next to the fields, the booking service refuses a booking that has any.
GUARDIAN_GAPS = {
    "guardian_name": "The runner is under 18: a parent or guardian's name is needed.",
    "guardian_phone": "Give a phone number or an email for the parent or guardian.",
    "guardian_consent": "A parent or guardian's consent is needed for a runner under 18.",
}


def guardian_gaps(*, name: str, phone: str, email: str, consent: bool) -> dict[str, str]:
    """What a minor's guardian details still lack, by form field, with the message to show."""
    missing = {
        "guardian_name": not (name or "").strip(),
        "guardian_phone": not ((phone or "").strip() or (email or "").strip()),
        "guardian_consent": not consent,
    }
    return {field: GUARDIAN_GAPS[field] for field, gap in missing.items() if gap}

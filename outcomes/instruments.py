"""The outcome instruments as data, and their scoring: plain Python, no Django.

Each instrument carries its name, version, source and scoring rules, so a stored check-in names
exactly what it was answered on (``INSTRUMENT_VERSIONS``), like the questionnaire's versions. A
published instrument is never edited in place: a change is a new version here.

- NPRS: worst pain in the past week, 0 (no pain) to 10 (worst pain imaginable).
- LEFS: the Lower Extremity Functional Scale (Binkley et al., Phys Ther 1999;79:371-383), the 20
  published items, each 0 "Extreme difficulty or unable to perform activity" to 4 "No
  difficulty", total 0-80. Missing items: up to 2 are replaced by the mean of the answered
  items (the total rounded to the nearest whole number); more than 2 missing: not scored.
- Running status: not running / reduced / full training.
- GROC: the 15-point global rating of change (Jaeschke, Singer & Guyatt 1989), -7 to +7.
- MCID: NPRS improved by at least 2 points; LEFS improved by at least 9 points.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction


@dataclass(frozen=True)
class Option:
    value: int | str
    label: str


@dataclass(frozen=True)
class Item:
    link_id: str
    text: str


@dataclass(frozen=True)
class Instrument:
    code: str
    name: str
    version: str
    source: str
    question: str
    options: tuple[Option, ...]
    items: tuple[Item, ...] = ()
    # Scoring rules as data (read by the functions below and shown to staff).
    min_total: int = 0
    max_total: int = 0
    max_missing_items: int = 0
    mcid: int = 0
    mcid_direction: int = 0  # +1: higher is better; -1: lower is better

    @property
    def values(self) -> tuple:
        return tuple(option.value for option in self.options)

    def label_for(self, value) -> str:
        for option in self.options:
            if option.value == value:
                return option.label
        return ""


NPRS = Instrument(
    code="nprs",
    name="Numeric Pain Rating Scale (worst pain)",
    version="1",
    source="NPRS 0-10, worst pain; MCID 2 points (Farrar et al. 2001; Childs et al. 2005)",
    question="Your worst IT band pain in the past week, from 0 (no pain) to 10 (worst pain "
    "imaginable).",
    options=tuple(Option(n, str(n)) for n in range(11)),
    min_total=0,
    max_total=10,
    mcid=2,
    mcid_direction=-1,
)
NPRS_LOW = "No pain"
NPRS_HIGH = "Worst pain imaginable"

LEFS_ITEMS = (
    "Any of your usual work, housework or school activities.",
    "Your usual hobbies, recreational or sporting activities.",
    "Getting into or out of the bath.",
    "Walking between rooms.",
    "Putting on your shoes or socks.",
    "Squatting.",
    "Lifting an object, like a bag of groceries from the floor.",
    "Performing light activities around your home.",
    "Performing heavy activities around your home.",
    "Getting into or out of a car.",
    "Walking 2 blocks.",
    "Walking a mile.",
    "Going up or down 10 stairs (about 1 flight of stairs).",
    "Standing for 1 hour.",
    "Sitting for 1 hour.",
    "Running on even ground.",
    "Running on uneven ground.",
    "Making sharp turns while running fast.",
    "Hopping.",
    "Rolling over in bed.",
)

LEFS = Instrument(
    code="lefs",
    name="Lower Extremity Functional Scale",
    version="1999",
    source="Binkley JM, Stratford PW, Lott SA, Riddle DL. Phys Ther 1999;79:371-383",
    question="We are interested in knowing whether you are having any difficulty at all with "
    "the activities listed below because of your lower limb problem. Today, do you or would "
    "you have any difficulty at all with:",
    options=(
        Option(0, "Extreme difficulty or unable to perform activity"),
        Option(1, "Quite a bit of difficulty"),
        Option(2, "Moderate difficulty"),
        Option(3, "A little bit of difficulty"),
        Option(4, "No difficulty"),
    ),
    items=tuple(Item(f"lefs_{n}", text) for n, text in enumerate(LEFS_ITEMS, start=1)),
    min_total=0,
    max_total=80,
    max_missing_items=2,
    mcid=9,
    mcid_direction=1,
)

RUNNING_NOT = "not_running"
RUNNING_REDUCED = "reduced"
RUNNING_FULL = "full"
RUNNING_STATUS = Instrument(
    code="running",
    name="Running status",
    version="1",
    source="Cohen Health and Performance",
    question="Where is your running now?",
    options=(
        Option(RUNNING_NOT, "Not running"),
        Option(RUNNING_REDUCED, "Running, but reduced"),
        Option(RUNNING_FULL, "Full training"),
    ),
)

GROC = Instrument(
    code="groc",
    name="Global Rating of Change",
    version="1",
    source="Jaeschke R, Singer J, Guyatt GH. Control Clin Trials 1989;10:407-415 (15 points)",
    question="With respect to your IT band pain, how would you describe yourself now compared "
    "with your first visit?",
    options=(
        Option(-7, "A very great deal worse"),
        Option(-6, "A great deal worse"),
        Option(-5, "Quite a bit worse"),
        Option(-4, "Moderately worse"),
        Option(-3, "Somewhat worse"),
        Option(-2, "A little bit worse"),
        Option(-1, "A tiny bit worse, almost the same"),
        Option(0, "About the same"),
        Option(1, "A tiny bit better, almost the same"),
        Option(2, "A little bit better"),
        Option(3, "Somewhat better"),
        Option(4, "Moderately better"),
        Option(5, "Quite a bit better"),
        Option(6, "A great deal better"),
        Option(7, "A very great deal better"),
    ),
    min_total=-7,
    max_total=7,
)

INSTRUMENTS = {i.code: i for i in (NPRS, LEFS, RUNNING_STATUS, GROC)}
# Stored with every check-in: what it was answered on.
INSTRUMENT_VERSIONS = {code: instrument.version for code, instrument in INSTRUMENTS.items()}


class InvalidAnswer(ValueError):
    pass


def _int_in(value, allowed: tuple, what: str) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise InvalidAnswer(f"{what}: not a number") from None
    if isinstance(value, bool) or number not in allowed or str(value).strip() != str(number):
        raise InvalidAnswer(f"{what}: out of range")
    return number


def score_nprs(value) -> int:
    """The NPRS as given: a whole number 0-10."""
    return _int_in(value, NPRS.values, "NPRS")


def score_groc(value) -> int:
    """The GROC as given: a whole number -7..+7."""
    return _int_in(value, GROC.values, "GROC")


def lefs_item(value) -> int:
    """One LEFS item's answer: a whole number 0-4."""
    return _int_in(value, LEFS.values, "LEFS item")


def running_status(value) -> str:
    if value not in RUNNING_STATUS.values:
        raise InvalidAnswer("running status: unknown")
    return value


@dataclass(frozen=True)
class LefsScore:
    total: int | None  # None: not scored (more than 2 items missing)
    answered: int
    missing: int
    imputed: bool

    @property
    def scored(self) -> bool:
        return self.total is not None


def _round_half_up(value: Fraction) -> int:
    return int(
        (Decimal(value.numerator) / Decimal(value.denominator)).to_integral_value(
            rounding=ROUND_HALF_UP
        )
    )


def score_lefs(answers: Mapping[str, object]) -> LefsScore:
    """The LEFS total from the item answers (``lefs_1``..``lefs_20``, each 0-4; an absent or
    empty item is missing). Up to ``max_missing_items`` missing: each is replaced by the mean of
    the answered items and the total rounded to the nearest whole number (halves up); more
    missing: not scored."""
    values = []
    for item in LEFS.items:
        raw = answers.get(item.link_id)
        if raw is None or raw == "":
            continue
        values.append(lefs_item(raw))
    answered = len(values)
    missing = len(LEFS.items) - answered
    if missing > LEFS.max_missing_items:
        return LefsScore(total=None, answered=answered, missing=missing, imputed=False)
    total = _round_half_up(Fraction(sum(values) * len(LEFS.items), answered))
    return LefsScore(total=total, answered=answered, missing=missing, imputed=missing > 0)


def change(instrument: Instrument, baseline: int | None, now: int | None) -> int | None:
    """Improvement in the instrument's own direction (positive = better); None without both."""
    if baseline is None or now is None:
        return None
    return (now - baseline) * instrument.mcid_direction


def reached_mcid(instrument: Instrument, baseline: int | None, now: int | None) -> bool:
    """True when the improvement is at least the minimal clinically important difference:
    NPRS down by 2 or more, LEFS up by 9 or more."""
    improvement = change(instrument, baseline, now)
    return improvement is not None and improvement >= instrument.mcid


def mcid_threshold(instrument: Instrument, baseline: int) -> int:
    """The value a later check-in must reach for the MCID (may lie outside the scale: a
    baseline NPRS of 1 cannot improve by 2)."""
    return baseline + instrument.mcid * instrument.mcid_direction

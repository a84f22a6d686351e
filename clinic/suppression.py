"""Small-count suppression: the one home of the rule that no runner can be singled out.

Every count the clinic page shows (page, charts, CSV) passes through ``shown_count``; every
percentage through ``shown_share``. Plain Python, no Django.

- A count from 1 to 4 is shown as "<5". Zero is shown: it singles nobody out.
- A percentage is shown only when both its numerator and its denominator are shown as
  numbers: a share computed from a suppressed cell (3 of 40 no-shows = 8%) would give the
  cell back, so it is "—" instead. The same goes for a drop-off between two funnel steps and
  for a median over fewer than 5 values (``shown_median``).
- Charts draw no bar for a suppressed cell (a bar's length would reveal it); they print "<5".
- Limit (documented, not solved): breakdown tables carry no total row, so one suppressed cell
  cannot be recovered by subtraction from its own table; totals elsewhere on the page (the
  funnel's "reached a result") could still be combined with a breakdown by a determined reader.
"""

from __future__ import annotations

SMALL_COUNT_LIMIT = 5
SUPPRESSED = "<5"
NOT_SHOWN = "—"


def is_suppressed(count: int | None) -> bool:
    return count is not None and 0 < count < SMALL_COUNT_LIMIT


def shown_count(count: int | None) -> str:
    if count is None:
        return NOT_SHOWN
    return SUPPRESSED if is_suppressed(count) else str(count)


def share(numerator: int | None, denominator: int | None) -> float | None:
    """The percentage (0-100, one decimal) when it may be shown, else ``None``."""
    if numerator is None or not denominator:
        return None
    if is_suppressed(numerator) or is_suppressed(denominator):
        return None
    return round(100 * numerator / denominator, 1)


def shown_share(numerator: int | None, denominator: int | None) -> str:
    value = share(numerator, denominator)
    if value is None:
        return NOT_SHOWN
    return f"{value:g}%"


def drop_off(previous: int | None, current: int | None) -> float | None:
    """The share lost between two funnel steps; suppressed like any share of its cells."""
    if share(current, previous) is None:
        return None
    return round(100 * (previous - current) / previous, 1)


def shown_drop_off(previous: int | None, current: int | None) -> str:
    value = drop_off(previous, current)
    return NOT_SHOWN if value is None else f"{value:g}%"


def shown_median(value: float | None, count: int, *, unit: str = "") -> str:
    """A median over fewer than 5 values is close to one runner's own value: not shown."""
    if value is None or count < SMALL_COUNT_LIMIT:
        return NOT_SHOWN
    return f"{value:g}{unit}"

"""Small-count suppression: the one home of the rule that no runner can be singled out.

Every count the clinic page shows (page, charts, CSV) passes through ``shown_count``; every
percentage through ``shown_share``. Plain Python, no Django.

- A count from 1 to 4 is shown as "<5". Zero is shown: it singles nobody out.
- A percentage is shown only when both its numerator and its denominator are shown as
  numbers: a share computed from a suppressed cell (3 of 40 no-shows = 8%) would give the
  cell back, so it is "—" instead. The same goes for a drop-off between two funnel steps and
  for a median over fewer than 5 values (``shown_median``).
- Charts draw no bar for a suppressed cell (a bar's length would reveal it); they print "<5".
- A breakdown (results by driver, drafts by page) adds up to a total the page shows
  elsewhere, and its shares give that total away: ``shown_breakdown`` hides the next smallest
  cell too ("—") when a single cell is suppressed, so subtraction cannot give it back, and
  ``breakdown_shares`` shows no share at all in a breakdown with a hidden cell.
- Limit (documented, not solved): two periods a day apart, or both clinics against each,
  differ by one runner's counts; only noise or fixed reporting periods would stop that.
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


def shown_breakdown(counts: list[int]) -> list[str]:
    """The cells of a breakdown whose total is known: "<5" for small counts and, when exactly
    one cell is small, "—" for the next smallest too (complementary suppression)."""
    shown = [shown_count(count) for count in counts]
    small = [i for i, count in enumerate(counts) if is_suppressed(count)]
    if len(small) == 1:
        others = [i for i, count in enumerate(counts) if count >= SMALL_COUNT_LIMIT]
        if others:
            shown[min(others, key=lambda i: counts[i])] = NOT_SHOWN
    return shown


def breakdown_shares(counts: list[int]) -> list[str]:
    """Each cell's share of the breakdown's total, none at all when a cell is hidden (the
    shares would give the total, and the hidden cell, back)."""
    if any(is_suppressed(count) for count in counts):
        return [NOT_SHOWN] * len(counts)
    total = sum(counts)
    return [shown_share(count, total) for count in counts]

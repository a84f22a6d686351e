"""Small-count suppression (clinic.suppression, the one home of the rule) and the bar
chart's geometry (clinic.charts): plain Python."""

import pytest

from clinic import charts, suppression
from clinic.suppression import (
    drop_off,
    is_suppressed,
    share,
    shown_count,
    shown_drop_off,
    shown_median,
    shown_share,
)


@pytest.mark.parametrize(
    ("count", "shown"),
    [(0, "0"), (1, "<5"), (2, "<5"), (4, "<5"), (5, "5"), (6, "6"), (1234, "1234"), (None, "—")],
)
def test_counts_from_1_to_4_are_shown_as_under_5(count, shown):
    assert shown_count(count) == shown
    assert is_suppressed(count) == (shown == "<5")


def test_a_share_is_shown_only_when_both_cells_are():
    assert shown_share(10, 40) == "25%"
    assert shown_share(0, 40) == "0%"
    assert shown_share(20, 30) == "66.7%"
    assert shown_share(3, 40) == "—"  # 3 of 40 would give the 3 back
    assert shown_share(0, 3) == "—"  # and so would 0 of 3
    assert shown_share(5, 0) == "—"  # nothing to divide by
    assert share(3, 40) is None and share(10, 40) == 25.0


def test_a_drop_off_is_suppressed_like_its_cells():
    assert drop_off(18, 12) == 33.3
    assert shown_drop_off(18, 12) == "33.3%"
    assert shown_drop_off(18, 3) == "—"
    assert shown_drop_off(4, 0) == "—"
    assert shown_drop_off(0, 0) == "—"


def test_a_median_over_fewer_than_5_values_is_not_shown():
    assert shown_median(3.5, 5, unit=" days") == "3.5 days"
    assert shown_median(3.5, 4, unit=" days") == "—"
    assert shown_median(None, 10) == "—"


def test_the_limit_is_5():
    assert suppression.SMALL_COUNT_LIMIT == 5 and suppression.SUPPRESSED == "<5"


def test_a_suppressed_bar_is_not_drawn_and_bars_scale_to_the_largest():
    chart = charts.bar_chart(
        "k",
        "Title",
        [
            charts.BarInput("A", 10, "10"),
            charts.BarInput("B", None, "<5"),
            charts.BarInput("C", 5, "5"),
        ],
    )
    a, b, c = chart.bars
    assert a.width == charts.WIDTH - charts.LABEL_W - charts.VALUE_W
    assert b.width == 0 and b.text == "<5"
    assert c.width == a.width / 2
    assert chart.desc == "A: 10; B: <5; C: 5."
    assert a.y < b.y < c.y and chart.height > c.y


def test_percent_bars_use_a_fixed_scale_and_an_empty_chart_says_so():
    chart = charts.bar_chart("k", "T", [charts.BarInput("A", 50, "50%")], scale_max=100)
    assert chart.bars[0].width == (charts.WIDTH - charts.LABEL_W - charts.VALUE_W) / 2
    assert charts.bar_chart("k", "T", []).desc == "No data in this period."


def test_the_pure_modules_import_no_django():
    import ast
    from pathlib import Path

    root = Path(__file__).resolve().parents[2] / "clinic"
    for name in ("suppression.py", "charts.py"):
        tree = ast.parse((root / name).read_text())
        modules = {
            (node.module or "").split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom)
        } | {
            alias.name.split(".")[0]
            for node in ast.walk(tree)
            if isinstance(node, ast.Import)
            for alias in node.names
        }
        assert "django" not in modules, name


def test_a_single_small_cell_of_a_breakdown_takes_the_next_smallest_with_it():
    from clinic.suppression import breakdown_shares, shown_breakdown

    # Drivers 40, 3, 12, 0: the total (55) is on the page elsewhere; 55 - 40 - 12 would be 3.
    assert shown_breakdown([40, 3, 12, 0]) == ["40", "<5", "—", "0"]
    assert shown_breakdown([40, 3, 2, 0]) == ["40", "<5", "<5", "0"]  # two small: no sum left
    assert shown_breakdown([40, 12, 0]) == ["40", "12", "0"]
    assert breakdown_shares([40, 3, 12, 0]) == ["—", "—", "—", "—"]
    assert breakdown_shares([40, 10, 0]) == ["80%", "20%", "0%"]

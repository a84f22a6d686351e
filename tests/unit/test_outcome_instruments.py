"""The outcome instruments as published: LEFS totals and missing-item rule, NPRS, GROC, MCID."""

import pytest

from outcomes import instruments
from outcomes.instruments import GROC, LEFS, NPRS, InvalidAnswer, reached_mcid, score_lefs


def lefs_answers(values):
    return {f"lefs_{n}": v for n, v in enumerate(values, start=1) if v is not None}


def test_lefs_has_the_20_published_items_and_the_0_to_4_anchors():
    assert len(LEFS.items) == 20
    assert LEFS.items[0].text.startswith("Any of your usual work")
    assert LEFS.items[-1].text == "Rolling over in bed."
    assert [o.value for o in LEFS.options] == [0, 1, 2, 3, 4]
    assert LEFS.options[0].label == "Extreme difficulty or unable to perform activity"
    assert LEFS.options[-1].label == "No difficulty"
    assert (LEFS.min_total, LEFS.max_total, LEFS.max_missing_items) == (0, 80, 2)


def test_every_instrument_names_its_version():
    assert instruments.INSTRUMENT_VERSIONS == {
        "nprs": "1",
        "lefs": "1999",
        "running": "1",
        "groc": "1",
    }


@pytest.mark.parametrize(
    ("values", "total"),
    [
        ([4] * 20, 80),
        ([0] * 20, 0),
        ([2] * 20, 40),
        ([0, 1, 2, 3, 4] * 4, 40),
        ([3] * 19 + [1], 58),
    ],
)
def test_lefs_total_is_the_sum_of_the_items(values, total):
    score = score_lefs(lefs_answers(values))
    assert (score.total, score.missing, score.imputed) == (total, 0, False)


def test_one_missing_item_is_replaced_by_the_mean_of_the_others():
    # 19 answered, sum 57, mean 3 -> 57 + 3 = 60
    score = score_lefs(lefs_answers([3] * 19 + [None]))
    assert (score.total, score.answered, score.missing, score.imputed) == (60, 19, 1, True)


def test_two_missing_items_total_rounded_to_the_nearest_whole_number():
    # 18 answered: sixteen 4s and two 1s: sum 66, mean 3.667 -> 66 + 7.33 = 73.33 -> 73
    assert score_lefs(lefs_answers([4] * 16 + [1, 1, None, None])).total == 73
    # 18 answered: nine 3s, nine 2s: sum 45, mean 2.5 -> 45 + 5 = 50 exactly
    assert score_lefs(lefs_answers([3] * 9 + [2] * 9 + [None, None])).total == 50
    # 19 answered: sum 37 -> 37 * 20 / 19 = 38.95 -> 39
    assert score_lefs(lefs_answers([2] * 18 + [1, None])).total == 39


def test_a_half_rounds_up():
    # With 1 or 2 of 20 items missing a total never ends in .5 (20s/19, 10s/9): the rounding
    # rule is checked on its helper.
    from fractions import Fraction

    assert instruments._round_half_up(Fraction(5, 2)) == 3
    assert instruments._round_half_up(Fraction(7, 2)) == 4


def test_more_than_two_missing_items_is_not_scored():
    score = score_lefs(lefs_answers([4] * 17 + [None] * 3))
    assert score.total is None and not score.scored and score.missing == 3
    assert score_lefs({}).total is None


def test_lefs_refuses_out_of_range_items():
    with pytest.raises(InvalidAnswer):
        score_lefs(lefs_answers([5] + [4] * 19))
    with pytest.raises(InvalidAnswer):
        score_lefs(lefs_answers([-1] + [4] * 19))


def test_nprs_is_a_whole_number_from_0_to_10():
    assert instruments.score_nprs("0") == 0
    assert instruments.score_nprs(10) == 10
    for bad in ("11", -1, "3.5", "x", None, True):
        with pytest.raises(InvalidAnswer):
            instruments.score_nprs(bad)


def test_groc_runs_from_minus_7_to_plus_7_with_its_anchors():
    assert GROC.values == tuple(range(-7, 8))
    assert GROC.label_for(0) == "About the same"
    assert GROC.label_for(-7) == "A very great deal worse"
    assert GROC.label_for(7) == "A very great deal better"
    assert instruments.score_groc("-7") == -7 and instruments.score_groc("7") == 7
    for bad in ("8", "-8", "1.5", ""):
        with pytest.raises(InvalidAnswer):
            instruments.score_groc(bad)


def test_running_status_has_three_answers():
    assert instruments.RUNNING_STATUS.values == ("not_running", "reduced", "full")
    with pytest.raises(InvalidAnswer):
        instruments.running_status("sprinting")


@pytest.mark.parametrize(
    ("baseline", "now", "reached"),
    [(7, 5, True), (7, 6, False), (7, 0, True), (3, 4, False), (2, 0, True), (1, 0, False)],
)
def test_nprs_mcid_is_a_drop_of_2_points(baseline, now, reached):
    assert reached_mcid(NPRS, baseline, now) is reached


@pytest.mark.parametrize(
    ("baseline", "now", "reached"),
    [(40, 49, True), (40, 48, False), (40, 80, True), (50, 45, False), (72, 80, False)],
)
def test_lefs_mcid_is_a_rise_of_9_points(baseline, now, reached):
    assert reached_mcid(LEFS, baseline, now) is reached


def test_no_mcid_without_a_baseline_or_an_unscored_lefs():
    assert reached_mcid(LEFS, None, 60) is False
    assert reached_mcid(LEFS, 40, None) is False


def test_mcid_threshold_is_baseline_minus_2_for_pain_and_plus_9_for_function():
    assert instruments.mcid_threshold(NPRS, 6) == 4
    assert instruments.mcid_threshold(LEFS, 40) == 49

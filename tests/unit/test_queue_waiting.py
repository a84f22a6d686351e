"""clinician.selectors.waiting: what the queue says of a flagged intake's wait, and when that
next changes (the queue's kept copy is read again then)."""

from datetime import UTC, datetime, timedelta

import pytest

from clinician.selectors import waiting

SINCE = datetime(2027, 3, 14, 6, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("waited", "text", "changes_after"),
    [
        (timedelta(seconds=-5), "waiting 0 min", timedelta(minutes=1)),
        (timedelta(seconds=59), "waiting 0 min", timedelta(minutes=1)),
        (timedelta(minutes=59, seconds=30), "waiting 59 min", timedelta(minutes=60)),
        (timedelta(minutes=60), "waiting 1 h", timedelta(hours=2)),
        (timedelta(hours=47, minutes=59), "waiting 47 h", timedelta(hours=48)),
        (timedelta(hours=48), "waiting 2 days", timedelta(days=3)),
        (timedelta(days=9, hours=23), "waiting 9 days", timedelta(days=10)),
    ],
)
def test_the_words_and_the_moment_they_change(waited, text, changes_after):
    assert waiting(SINCE, SINCE + waited) == (text, SINCE + changes_after)

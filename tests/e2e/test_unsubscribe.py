"""One-click unsubscribe from a reminder, in real Chromium on a phone-sized screen: the link
in the email opens a confirm page (a GET changes nothing), the button unsubscribes."""

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import Page, expect

from itband.models import ReminderSubscription
from itband.reminders import reminder_enqueue
from tests.e2e.conftest import assert_accessible

pytestmark = pytest.mark.e2e


def test_the_unsubscribe_link_confirms_then_unsubscribes(live_server, page: Page):
    message = reminder_enqueue(
        key="draft:e2e",
        to="riley@example.com",
        template="reminder_draft",
        context={"first_name": "Riley", "link": "https://example.com/assessment/x/"},
        topic="submission:0",
    )
    link = re.search(r"https?://\S+/unsubscribe/\S+/", message.body_text).group(0)
    assert page.viewport_size == {"width": 390, "height": 844}
    page.goto(live_server.url + urlsplit(link).path)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Stop reminders")
    assert_accessible(page)
    assert ReminderSubscription.objects.get().unsubscribed_at is None

    page.get_by_role("button", name="Unsubscribe from reminders").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("You are unsubscribed")
    expect(page.get_by_role("status")).to_contain_text("any more reminders")
    assert_accessible(page)
    assert ReminderSubscription.objects.get().unsubscribed_at is not None

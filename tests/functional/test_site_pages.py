"""The public site pages, the probes and the headers every page carries."""

import re

import pytest
from django.urls import reverse

from itband.models import SitePage
from tests.factories import LocationFactory

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/assessment/",
    "/book/",
    "/privacy/",
    "/cancellation-policy/",
    "/accounts/login/",
]


def test_landing_tells_the_article_story_and_calls_to_the_assessment(client):
    LocationFactory(name="Bethesda", is_demo=True)
    LocationFactory(name="McLean", city="McLean", region="VA", phone="(703) 555-0187")
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "fascia" in html
    assert "foam roller" in html.lower()
    for driver in ("Hip mobility", "Strength balance", "Pelvic position", "running technique"):
        assert driver in html
    assert 'href="/assessment/"' in html
    assert "Bethesda" in html and "McLean" in html
    assert "(703) 555-0187" in html
    assert "demo" in html.lower()  # demo addresses are marked as such


@pytest.mark.parametrize("url", PUBLIC_PAGES)
def test_every_public_page_answers_with_a_strict_csp(client, reference_data, url):
    response = client.get(url)
    assert response.status_code == 200
    csp = response["Content-Security-Policy"]
    assert "unsafe-inline" not in csp
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    html = response.content.decode()
    assert " style=" not in html  # CSP forbids inline styles
    assert "https://" not in html.split("<body", 1)[0]  # no third-party asset in <head>


def test_scripts_carry_the_nonce_of_the_policy(client):
    response = client.get("/")
    nonce = response["Content-Security-Policy"].split("'nonce-", 1)[1].split("'", 1)[0]
    assert f'nonce="{nonce}"' in response.content.decode()


def test_policy_pages_show_the_text_the_admin_saved(client, reference_data):
    page = SitePage.objects.get(slug=SitePage.PRIVACY)
    page.body = "First paragraph about data.\n\nSecond paragraph <b>bold</b>."
    page.save()
    html = client.get(reverse("privacy")).content.decode()
    assert "First paragraph about data." in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html  # admin text is escaped, never raw HTML
    cancellation = client.get(reverse("cancellation-policy")).content.decode()
    assert "24 hours" in cancellation


def test_unknown_page_is_a_friendly_404(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "could not find" in response.content.decode()


def test_healthz_answers_without_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_readyz_reports_database_broker_and_the_relay(client, settings):
    from itband.models import Heartbeat

    settings.REDIS_URL = ""
    Heartbeat.beat(Heartbeat.OUTBOX_RELAY)
    response = client.get("/readyz")
    assert response.status_code == 200
    body = response.json()
    assert (body["status"], body["database"], body["broker"]) == ("ok", "ok", "not configured")
    assert body["relay"].startswith("relay last ran ") and body["relay"].endswith(" s ago")
    assert body["pending_mail"] == "no email waiting"
    assert body["problems"] == []


def test_readyz_calls_a_dead_broker_degraded_but_stays_up(client, settings):
    from tests.conftest import free_port

    settings.REDIS_URL = f"redis://127.0.0.1:{free_port()}/0"
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.json()["broker"] == "degraded"
    assert response.json()["status"] == "degraded"


@pytest.mark.parametrize("path", ["/", "/privacy/", "/no-such-page/", "/book/"])
def test_the_public_layout_links_every_page_of_the_site(client, path):
    html = client.get(path).content.decode()
    for url in ("/", "/assessment/", "/book/", "/privacy/", "/cancellation-policy/"):
        assert f'href="{url}"' in html, (path, url)
    assert f'href="{reverse("login")}"' in html
    assert 'href=""' not in html


def test_the_favicon_is_self_hosted_and_linked(client):
    icon = client.get("/favicon.ico")
    assert icon.status_code == 200
    assert b"".join(icon.streaming_content)[:4] == b"\x00\x00\x01\x00"  # an ICO file
    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/favicon.ico"' in html
    assert 'type="image/svg+xml"' in html


@pytest.mark.parametrize("path", ["/", "/assessment/", "/book/", "/privacy/"])
def test_public_pages_have_a_meta_description(client, path, reference_data):
    html = client.get(path).content.decode()
    descriptions = re.findall(r'<meta name="description" content="([^"]+)">', html)
    assert len(descriptions) == 1 and 50 <= len(descriptions[0]) <= 300, descriptions

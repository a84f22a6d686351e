"""CSRF: every POST needs the token; no-referrer token pages accept the browser's null Origin
only when the browser also vouches that the request is same-origin."""

import pytest
from django.test import Client

from tests.assessment_data import WEAK_GLUTES, start

pytestmark = pytest.mark.django_db


@pytest.fixture
def strict_client():
    return Client(enforce_csrf_checks=True)


def csrf_token(client, url):
    client.get(url)
    return client.cookies["csrftoken"].value


def test_post_without_token_is_refused_with_a_friendly_page(strict_client):
    response = strict_client.post("/assessment/", {"consent": "on"})
    assert response.status_code == 403
    assert "That form had expired" in response.content.decode()


def test_token_page_accepts_null_origin_from_the_same_origin(strict_client, client):
    submission = start(client)
    url = f"/assessment/{submission.token}/step/about-you/"
    token = csrf_token(strict_client, url)
    data = {**WEAK_GLUTES["about-you"], "csrfmiddlewaretoken": token, "action": "next"}
    same_origin = strict_client.post(
        url, data, headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"}
    )
    assert same_origin.status_code == 302


@pytest.mark.parametrize("site", ["cross-site", "same-site", None])
def test_null_origin_from_elsewhere_is_refused(strict_client, client, site):
    submission = start(client)
    url = f"/assessment/{submission.token}/step/about-you/"
    token = csrf_token(strict_client, url)
    headers = {"Origin": "null"} | ({"Sec-Fetch-Site": site} if site else {})
    data = {**WEAK_GLUTES["about-you"], "csrfmiddlewaretoken": token}
    assert strict_client.post(url, data, headers=headers).status_code == 403


def test_null_origin_is_refused_on_pages_that_are_not_token_pages(strict_client):
    token = csrf_token(strict_client, "/assessment/")
    response = strict_client.post(
        "/assessment/",
        {"consent": "on", "csrfmiddlewaretoken": token},
        headers={"Origin": "null", "Sec-Fetch-Site": "same-origin"},
    )
    assert response.status_code == 403

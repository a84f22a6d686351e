"""Secrets never reach a log line (issue #12 review): a 404 or 403 of a password-reset link, a
two-factor set-up link, or a booking's manage link is logged with the token redacted, for any
handler (caplog's here), not only our console."""

from __future__ import annotations

import logging
import re

import pytest
from django.test import Client

from tests.factories import StaffFactory

pytestmark = pytest.mark.django_db

TOKEN = "Xk3v9QeR2mT7bY1wZ8uP4sL6nA0cD5fG_h-JiKoQ"
RESET = "cb1xyz-0123456789abcdef0123"


@pytest.fixture
def django_logs(caplog):
    """caplog's handler on the loggers that name paths (they do not propagate to the root)."""
    names = ("django.request", "django.security.csrf", "django.server")
    loggers = [logging.getLogger(name) for name in names]
    levels = [logger.level for logger in loggers]
    for logger in loggers:
        logger.addHandler(caplog.handler)
        logger.setLevel(logging.INFO)
    yield caplog
    for logger, level in zip(loggers, levels, strict=True):
        logger.removeHandler(caplog.handler)
        logger.setLevel(level)


def assert_redacted(caplog, expected: str) -> None:
    text = caplog.text
    assert expected in text, text  # the line was logged...
    assert TOKEN not in text and RESET not in text  # ...without its secret


def test_a_404_of_a_manage_link_is_logged_without_the_token(django_logs):
    assert Client().get(f"/book/manage/{TOKEN}/").status_code == 404
    assert_redacted(django_logs, "Not Found: /book/manage/[token]/")


def test_a_404_of_a_reset_link_is_logged_without_the_token(django_logs):
    assert Client().get(f"/accounts/reset/MQ/{RESET}/extra/").status_code == 404
    assert_redacted(django_logs, "Not Found: /accounts/reset/[token]/[token]/extra/")


def test_a_refused_two_factor_link_is_logged_without_the_token(django_logs):
    staff = StaffFactory(username="linked")
    client = Client()
    client.force_login(staff)
    assert client.get(f"/accounts/2fa/enrol/{TOKEN}/").status_code == 404
    assert_redacted(django_logs, "Not Found: /accounts/2fa/enrol/[token]/")


def test_a_403_csrf_refusal_of_a_manage_link_is_logged_without_the_token(django_logs):
    response = Client(enforce_csrf_checks=True).post(f"/book/manage/{TOKEN}/cancel/")
    assert response.status_code == 403
    assert re.search(r"Forbidden \(.*\): /book/manage/\[token\]/cancel/", django_logs.text)
    assert TOKEN not in django_logs.text


def test_runserver_request_lines_are_redacted(django_logs):
    logging.getLogger("django.server").info(
        '"%s" %s %s', f"GET /accounts/reset/MQ/{RESET}/ HTTP/1.1", "200", "512"
    )
    assert_redacted(django_logs, "GET /accounts/reset/[token]/[token]/ HTTP/1.1")

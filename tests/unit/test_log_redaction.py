"""Private links never reach the logs."""

import logging

from itband.logs import RedactPrivateLinksFilter, redact_private_links

TOKEN = "Xk3v9QeR2mT7bY1wZ8uP4sL6nA0cD5fG_h-JiKoQ"


def test_token_paths_and_parameters_are_redacted():
    line = (
        f'"GET /assessment/{TOKEN}/step/about-you/ HTTP/1.1" 200 '
        f"/book/manage/{TOKEN}/cancel/ /book/?intake={TOKEN}&type=x"
    )
    redacted = redact_private_links(line)
    assert TOKEN not in redacted
    assert "/assessment/[token]/step/about-you/" in redacted
    assert "/book/manage/[token]/cancel/" in redacted
    assert "intake=[token]&type=x" in redacted
    assert redact_private_links("GET /assessment/ HTTP/1.1") == "GET /assessment/ HTTP/1.1"


def test_the_filter_rewrites_formatted_records():
    record = logging.LogRecord(
        "django.request",
        logging.ERROR,
        __file__,
        1,
        "Internal Server Error: %s",
        (f"/book/manage/{TOKEN}/",),
        None,
    )
    assert RedactPrivateLinksFilter().filter(record)
    assert TOKEN not in record.getMessage()

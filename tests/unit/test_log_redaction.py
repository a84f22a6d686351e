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


def test_unsubscribe_links_are_redacted():
    redacted = redact_private_links(f'"POST /unsubscribe/{TOKEN}/ HTTP/1.1" 200')
    assert TOKEN not in redacted and "/unsubscribe/[token]/" in redacted


def test_reset_and_two_factor_links_are_redacted():
    line = (
        "GET /accounts/reset/MTI/cb1xyz-0123456789abcdef0123/ "
        "/accounts/reset/MTI/set-password/ /accounts/2fa/enrol/" + TOKEN + "/"
    )
    redacted = redact_private_links(line)
    assert "cb1xyz" not in redacted and TOKEN not in redacted and "MTI" not in redacted
    assert "/accounts/reset/[token]/[token]/" in redacted
    assert "/accounts/2fa/enrol/[token]/" in redacted


def test_gunicorn_reads_our_logger_and_it_redacts_access_and_error_lines():
    import runpy
    from pathlib import Path

    from gunicorn.config import Config

    from itband.logs import GunicornLogger

    conf = runpy.run_path(str(Path(__file__).resolve().parents[2] / "gunicorn.conf.py"))
    assert conf["logger_class"] == "itband.logs.GunicornLogger"
    config = Config()
    config.set("accesslog", "-")
    config.set("access_log_format", '%(h)s "%(r)s" %(s)s "%(f)s"')
    logger = GunicornLogger(config)
    seen: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    keep = Keep()
    logger.access_log.addHandler(keep)
    logger.error_log.addHandler(keep)
    try:
        atoms = {
            "h": "1.2.3.4",
            "r": f"GET /book/manage/{TOKEN}/ HTTP/1.1",
            "s": "404",
            "f": f"https://x/accounts/2fa/enrol/{TOKEN}/",
        }
        logger.access_log.info(config.access_log_format, atoms)
        logger.error("Error handling request /accounts/reset/MQ/cb1xyz-0123456789abcdef/")
    finally:
        logger.access_log.removeHandler(keep)
        logger.error_log.removeHandler(keep)
    assert len(seen) == 2
    assert all(TOKEN not in line and "cb1xyz" not in line for line in seen), seen
    assert "/book/manage/[token]/" in seen[0]


def test_waitlist_links_are_redacted():
    for path in (f"/book/waitlist/{TOKEN}/", f"/book/waitlist/offer/{TOKEN}/"):
        redacted = redact_private_links(f'"POST {path} HTTP/1.1" 302')
        assert TOKEN not in redacted and "[token]/" in redacted
    assert "/book/waitlist/offer/[token]/" in redact_private_links(f"/book/waitlist/offer/{TOKEN}/")

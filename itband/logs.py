"""Error reports never carry request bodies: answers and contact details arrive by POST."""

import logging
import re

from django.views.debug import SafeExceptionReporterFilter


class NoRequestBodyReporterFilter(SafeExceptionReporterFilter):
    """Used for the DEBUG error page and any error report (DEFAULT_EXCEPTION_REPORTER_FILTER):
    every POST value is hidden, not only the ones a view marked sensitive."""

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)


# A private link is the only key to a runner's answers or booking, or to a staff account (a
# password reset, a two-factor set-up link): it never goes to a log.
PRIVATE_LINK = re.compile(
    r"(/assessment/|/book/manage/|/book/waitlist/offer/|/book/waitlist/|/accounts/2fa/enrol/"
    r"|/unsubscribe/|/outcomes/c/)[A-Za-z0-9_-]{16,}"
)
# Django's reset link: /accounts/reset/<uidb64>/<token>/ (both segments, whatever their shape).
RESET_LINK = re.compile(r"(/accounts/reset/)[^/\s?#\"']+/[^/\s?#\"']+")
PRIVATE_PARAMETER = re.compile(r"((?:intake|token)=)[A-Za-z0-9_-]{16,}")


def redact_private_links(text: str) -> str:
    text = PRIVATE_LINK.sub(r"\1[token]", text)
    text = RESET_LINK.sub(r"\1[token]/[token]", text)
    return PRIVATE_PARAMETER.sub(r"\1[token]", text)


class RedactPrivateLinksFilter(logging.Filter):
    """On the console handler, and on the loggers that name a path (Django's request, server
    and CSRF loggers, gunicorn's access and error logs), so every handler gets the redacted
    line: request lines, 404s and 403s, CSRF warnings and 500 reports."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_private_links(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True


def _gunicorn_logger_base():
    try:
        from gunicorn.glogging import Logger
    except ImportError:  # not installed: only gunicorn itself loads GunicornLogger
        return object
    return Logger


class GunicornLogger(_gunicorn_logger_base()):
    """gunicorn's logger (gunicorn.conf.py names it) with the same redaction on its access and
    error logs: the access line carries the request line, path, query and referrer."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        for log in (self.error_log, self.access_log):
            if not any(isinstance(f, RedactPrivateLinksFilter) for f in log.filters):
                log.addFilter(RedactPrivateLinksFilter())

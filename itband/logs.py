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


# A runner's private link is the only key to their answers or booking: it never goes to a log.
PRIVATE_LINK = re.compile(r"(/assessment/|/book/manage/)[A-Za-z0-9_-]{16,}")
PRIVATE_PARAMETER = re.compile(r"((?:intake|token)=)[A-Za-z0-9_-]{16,}")


def redact_private_links(text: str) -> str:
    text = PRIVATE_LINK.sub(r"\1[token]", text)
    return PRIVATE_PARAMETER.sub(r"\1[token]", text)


class RedactPrivateLinksFilter(logging.Filter):
    """On the console handler: request lines, CSRF warnings and 500 reports name the path."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        redacted = redact_private_links(message)
        if redacted != message:
            record.msg, record.args = redacted, ()
        return True

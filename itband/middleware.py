"""Middleware: a lost database becomes a friendly 503 with Retry-After, never a 500."""

import logging

from django.db import InterfaceError, OperationalError

from .http import database_unavailable_response

logger = logging.getLogger(__name__)

DATABASE_DOWN_ERRORS = (OperationalError, InterfaceError)


class DatabaseUnavailableMiddleware:
    """Catches database connection errors raised by views (process_exception) and by the
    middleware below this one. Errors raised elsewhere reach ``itband.views.server_error``,
    which makes the same decision."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        except DATABASE_DOWN_ERRORS:
            logger.error("database unavailable for %s %s", request.method, request.path_info)
            return database_unavailable_response()

    def process_exception(self, request, exception):
        if isinstance(exception, DATABASE_DOWN_ERRORS):
            logger.error("database unavailable for %s %s", request.method, request.path_info)
            return database_unavailable_response()
        return None

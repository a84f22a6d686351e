"""Error reports never carry request bodies: answers and contact details arrive by POST."""

from django.views.debug import SafeExceptionReporterFilter


class NoRequestBodyReporterFilter(SafeExceptionReporterFilter):
    """Used for the DEBUG error page and any error report (DEFAULT_EXCEPTION_REPORTER_FILTER):
    every POST value is hidden, not only the ones a view marked sensitive."""

    def get_post_parameters(self, request):
        if request is None:
            return {}
        return dict.fromkeys(request.POST, self.cleansed_substitute)

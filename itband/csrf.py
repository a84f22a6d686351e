"""Let Django's CSRF check accept our no-referrer token pages' own form posts.

Token pages send ``Referrer-Policy: no-referrer`` so a token never leaks to another site. By the
Fetch standard a browser then sends ``Origin: null`` (and no Referer) with the page's own form
POSTs, which Django's origin check rejects. For views marked by ``itband.http.private_page``
only, a ``null`` Origin is taken as our own when the browser also says
``Sec-Fetch-Site: same-origin`` (a header pages cannot set, and schemeful: an http page posting
to https is not same-origin). Django's CsrfViewMiddleware runs right after this and still
requires the CSRF token, as everywhere.
"""


class NoReferrerOriginMiddleware:
    """Must sit just before django.middleware.csrf.CsrfViewMiddleware (process_view order)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, callback, callback_args, callback_kwargs):
        if (
            getattr(callback, "no_referrer_page", False)
            and request.META.get("HTTP_ORIGIN") == "null"
            and request.META.get("HTTP_SEC_FETCH_SITE") == "same-origin"
        ):
            request.META["HTTP_ORIGIN"] = f"{request.scheme}://{request.get_host()}"
        return None

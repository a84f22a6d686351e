"""/unsubscribe/<token>/: stop the reminders to one address (RFC 8058 one-click).

GET only shows a page with a button (mail scanners and link previews follow links: a GET
must change nothing); POST unsubscribes at once. Mail clients send the one-click POST
(``List-Unsubscribe=One-Click``) without a CSRF token or a session, so this view alone is
csrf_exempt: the unguessable token is the authority, and unsubscribing twice is harmless.
"""

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from .http import private_page
from .models import ReminderSubscription
from .reminders import reminders_unsubscribe


@csrf_exempt
@private_page
@require_http_methods(["GET", "POST"])
def unsubscribe(request: HttpRequest, token: str) -> HttpResponse:
    subscription = ReminderSubscription.objects.filter(token=token).first()
    if subscription is None:
        raise Http404("unknown unsubscribe link")
    if request.method == "POST":
        reminders_unsubscribe(subscription=subscription)
        return render(request, "itband/unsubscribe.html", {"done": True})
    return render(
        request,
        "itband/unsubscribe.html",
        {"done": subscription.unsubscribed_at is not None, "token": token},
    )

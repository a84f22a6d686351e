"""/desk/messages/: every email the clinic queued, newest first (the outbox as a log).

Subjects, recipients and states only: bodies carry private links and are never shown here.
Two queries a page (the count and the rows), however many messages there are."""

from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from itband.audit import audit_record
from itband.http import mark_no_store
from itband.models import AuditEvent, OutboxMessage
from itband.roles import FRONT_DESK, role_required

MESSAGES_PER_PAGE = 50

# What kind of email a row is, from its outbox key's first part (e.g. "reminder:draft:12").
KIND_LABELS = {
    "reminder:draft": "Reminder: unfinished assessment",
    "reminder:result": "Reminder: result not booked",
}


def kind_of(key: str) -> str:
    parts = key.split(":")
    label = KIND_LABELS.get(":".join(parts[:2]))
    return label or parts[0].replace("-", " ").capitalize()


@role_required(FRONT_DESK)
def message_log(request: HttpRequest) -> HttpResponse:
    rows = OutboxMessage.objects.order_by("-created_at", "-id").values(
        "created_at", "sent_at", "key", "topic", "to", "subject", "status", "attempts"
    )
    page = Paginator(rows, MESSAGES_PER_PAGE).get_page(request.GET.get("page"))
    statuses = dict(OutboxMessage.Status.choices)
    for row in page.object_list:
        row["kind"] = kind_of(row["key"])
        row["status_label"] = statuses.get(row["status"], row["status"])
    # Who was emailed about what is contact data of runners who may never have booked: each
    # look at the log is audited like a patient page.
    audit_record(
        request=request,
        action=AuditEvent.Action.VIEW_PATIENT,
        object_type="itband.outboxmessage",
        detail=f"message log, page {page.number}",
    )
    context = {"desk_section": "messages", "page": page}
    return mark_no_store(render(request, "desk/messages.html", context))

"""The clinician's review workspace: the queue, an intake in full, notes, the pre-visit brief.

Every view goes through ``access.get_submission_for_clinician`` and writes an audit row for
each view of health data and each change.
"""

from urllib.parse import urlencode

from crispy_forms.utils import render_crispy_form
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.views.decorators.http import require_http_methods

from assessments.access import get_submission_for_clinician
from assessments.clinical import FLAG_LEVEL_BADGES
from assessments.models import Submission
from assessments.services import (
    FlagNotClearable,
    clinician_note_add,
    submission_clear_flag,
    submission_close,
    submission_mark_reviewed,
    submission_record_contact,
)
from booking import directory, schedule_cache
from itband.audit import audit_record
from itband.html import html_format
from itband.http import mark_no_store
from itband.roles import CLINICIAN, role_required

from .forms import ClearFlagForm, CloseForm, ContactForm, NoteForm, QueueFilterForm
from .selectors import STATES, intake_context, next_awaiting_intake, queue_rows, review_queue
from .templatetags.intake_tags import flag_badge

QUEUE_PAGE_SIZE = 50  # a page renders fast; every intake stays reachable
QUEUE_PAGES_KEPT = 5  # the first pages are kept per process (queue_page); later ones are read


# The queue's rows, built here (a template loop over 50 rows was most of the page's
# rendering). html_format escapes every value.
QUEUE_ROW = """<tr class="flag-row-{flag_class}">
    <td><a href="{url}">{name}</a><span class="d-block small text-body-secondary">Intake #{pk}</span></td>
    <td>{flag}{waiting}</td>
    <td>{driver}</td>
    <td>{next_visit}</td>
    <td>{submitted}</td>
    <td>{state}</td>
  </tr>"""
FLAG_BADGES = {level: flag_badge(level) for level in FLAG_LEVEL_BADGES}
NO_FLAG = '<span class="text-body-secondary">None</span>'
NONE_BOOKED = '<span class="text-body-secondary">None booked</span>'
EMPTY_QUEUE = '<tr><td colspan="6">Nothing here. All caught up.</td></tr>'


def queue_items(rows) -> SafeString:
    if not rows:
        return mark_safe(EMPTY_QUEUE)
    return mark_safe(
        "\n  ".join(
            html_format(
                QUEUE_ROW,
                flag_class=row.flag or "none",
                url=row.url,
                name=row.name,
                pk=row.pk,
                flag=html_format('<span class="badge text-bg-light border">{}</span>', row.info)
                if row.info
                else mark_safe(FLAG_BADGES.get(row.flag, NO_FLAG)),
                waiting=html_format(
                    '<span class="d-block small fw-semibold waiting">{}</span>', row.waiting
                )
                if row.waiting
                else "",
                driver=row.driver,
                next_visit=row.next_visit or mark_safe(NONE_BOOKED),
                submitted=row.submitted,
                state=row.state,
            )
            for row in rows
        )
    )


def queue_filter_html(state: str, location: str, mine: bool) -> str:
    """The queue's filter form (crispy-forms), kept with the schedule copies
    (booking.schedule_cache: the clinics are the only rows it shows, and any change to them
    drops it): the same markup for every clinician with the same filters, and rendering it
    was a sixth of the queue's time."""
    if location not in {loc.slug for loc in directory.active_locations()}:
        location = ""  # an unknown clinic shows "Both clinics" (and keys no new copy)

    def render_form() -> str:
        form = QueueFilterForm(
            initial={"state": state, "location": location, "mine": mine}, states=STATES
        )
        return render_crispy_form(form, form.helper)

    return schedule_cache.cached(("queue-filter", state, location, mine), render_form)


@role_required(CLINICIAN)
def queue(request: HttpRequest) -> HttpResponse:
    state = request.GET.get("state", "awaiting")
    state = state if state in dict(STATES) else "awaiting"
    location = request.GET.get("location", "").replace("\x00", "")  # NUL: a 500 on PostgreSQL
    mine = request.GET.get("mine") == "1"
    page_number = request.GET.get("page", "")
    # ASCII digits only ("²" is a digit to isdigit() and an error to int()).
    page_number = int(page_number) if page_number.isascii() and page_number.isdigit() else 1
    context = queue_page(
        state=state, location=location, user=request.user if mine else None, number=page_number
    )
    context.update(
        filters=urlencode({"state": state, "location": location, "mine": "1" if mine else ""}),
        state=state,
        filter_html=queue_filter_html(state, location, mine),
    )
    return mark_no_store(render(request, "clinician/queue.html", context))


def queue_page(*, state: str, location: str, user, number: int) -> dict:
    """The queue's counts, page and rows as HTML, kept per process while no submitted intake,
    patient or schedule row changes and no "waiting" time turns over
    (booking.schedule_cache.staff_copy reads the shared generations on every request: a review
    done anywhere shows on the next page). Clinicians go back to the queue after every intake."""

    def load():
        now = timezone.now()
        intakes = review_queue(state=state, location=location, clinician_user=user)
        counts = Submission.objects.review_state_counts()
        paginator = Paginator(intakes, QUEUE_PAGE_SIZE)
        if state == "awaiting" and not location and user is None:
            paginator.count = counts["awaiting"]  # the count shown above: one query fewer
        page = paginator.get_page(number)
        rows = queue_rows(page.object_list, now)
        changes = [row.waiting_changes_at for row in rows if row.waiting_changes_at]
        context = {
            "intakes": rows,
            "rows_html": str(queue_items(rows)),
            "page": page,
            "counts": counts,
        }
        return context, min(changes, default=None)

    known = not location or location in {loc.slug for loc in directory.active_locations()}
    if known and number <= QUEUE_PAGES_KEPT:
        key = ("clinician-queue", state, location, user.pk if user else None, number)
        context = dict(schedule_cache.staff_copy(key, load))
    else:  # a closed clinic's slug, anything typed, a far page: read, never kept
        context = load()[0]
    context["rows_html"] = mark_safe(context["rows_html"])
    return context


@role_required(CLINICIAN)
@require_http_methods(["GET", "POST"])
def intake_detail(request: HttpRequest, pk: int) -> HttpResponse:
    submission = get_submission_for_clinician(request.user, pk)
    forms_by_action = {
        "note": NoteForm(request.POST if request.POST.get("action") == "note" else None),
        "close": CloseForm(request.POST if request.POST.get("action") == "close" else None),
        "contact": ContactForm(request.POST if request.POST.get("action") == "contact" else None),
        "clear_flag": ClearFlagForm(
            request.POST if request.POST.get("action") == "clear_flag" else None
        ),
    }
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "review":
            submission_mark_reviewed(submission=submission, user=request.user)
            audit_record(request=request, action="mark_reviewed", obj=submission)
            # The queue as a flow: the next intake to review opens.
            next_pk = next_awaiting_intake(after_pk=pk)
            if next_pk is None:
                messages.success(request, "Marked as reviewed. No more intakes to review.")
                return redirect("clinician:queue")
            messages.success(request, f"Intake #{pk} marked as reviewed. Next in the queue:")
            return redirect("clinician:intake", next_pk)
        form = forms_by_action.get(action)
        if action == "clear_flag" and form.is_valid():
            try:
                submission_clear_flag(
                    submission=submission, user=request.user, note=form.cleaned_data["note"]
                )
            except FlagNotClearable as error:
                messages.error(request, str(error))
            else:
                # The note is clinical: it stays with the intake, not in the audit log.
                audit_record(request=request, action="flag_cleared", obj=submission)
                messages.success(request, "Flag cleared: the runner can book online again.")
            return redirect("clinician:intake", pk)
        if form is not None and form.is_valid():
            if action == "note":
                clinician_note_add(
                    submission=submission, author=request.user, body=form.cleaned_data["body"]
                )
                messages.success(request, "Note saved.")
            elif action == "close":
                submission_close(
                    submission=submission, user=request.user, reason=form.cleaned_data["reason"]
                )
                messages.success(request, "Intake closed without a visit.")
            else:
                submission_record_contact(
                    submission=submission, user=request.user, note=form.cleaned_data["note"]
                )
                messages.success(request, "Contact recorded.")
            audit_record(request=request, action="notes_change", obj=submission, detail=action)
            return redirect("clinician:intake", pk)
    # Every page that shows the intake is a view of health data, a re-shown form included.
    audit_record(request=request, action="view_intake", obj=submission)
    context = {**intake_context(submission), **{f"{k}_form": v for k, v in forms_by_action.items()}}
    status = 400 if any(f.errors for f in forms_by_action.values()) else 200
    return mark_no_store(render(request, "clinician/intake.html", context, status=status))


@role_required(CLINICIAN)
def intake_brief(request: HttpRequest, pk: int) -> HttpResponse:
    """The one-page pre-visit brief, laid out for print."""
    submission = get_submission_for_clinician(request.user, pk)
    audit_record(request=request, action="view_intake", obj=submission, detail="brief")
    return mark_no_store(render(request, "clinician/brief.html", intake_context(submission)))

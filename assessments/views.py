"""The runner's self-assessment: consent, one generic step view, review, result.

Every page after consent is reached by the draft's unguessable token, sends no-store and
no-referrer headers, and never shows another runner's data.
"""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from itband.http import private_page
from itband.ratelimit import rate_limited

from . import flow, scoring
from .forms import (
    ConsentForm,
    ContactForm,
    ResumeEmailForm,
    StepForm,
    result_email_form,
    result_email_form_html,
)
from .models import Submission
from .presenters import answer_sections, intake_safety_context, result_context
from .questionnaire import CURRENT, Questionnaire, get_version
from .safety_hold import hold_browser
from .services import (
    AssessmentError,
    Contact,
    ModuleNotOpen,
    NotComplete,
    questionnaire_of,
    submission_email_link,
    submission_save_module,
    submission_save_step,
    submission_start,
    submission_stop_for_safety,
    submission_submit,
)


def posted(request: HttpRequest):
    """Form data for a POST (even an empty one), None for a GET."""
    return request.POST if request.method == "POST" else None


def get_submission(token: str) -> Submission:
    """The submission behind a token, or a friendly 404 (expired drafts are deleted)."""
    try:
        submission = Submission.objects.get(token=token)
    except Submission.DoesNotExist:
        raise Http404("unknown or expired link") from None
    if not submission.is_submitted and scoring.ends_questionnaire(submission.answers):
        # A draft saved with a red-flag answer before the questionnaire stopped at once:
        # it ends now, so no later step or review opens for it.
        submission = submission_stop_for_safety(submission=submission)
    return submission


@require_http_methods(["GET", "POST"])
@rate_limited("assessment-start")
def start(request: HttpRequest) -> HttpResponse:
    form = ConsentForm(posted(request))
    if request.method == "POST" and form.is_valid():
        submission = submission_start(
            email=form.cleaned_data["email"], remind_me=form.cleaned_data["remind_me"]
        )
        if form.cleaned_data["email"]:
            submission_email_link(submission=submission, email=form.cleaned_data["email"])
        return redirect("assessments:step", submission.token, CURRENT.steps[0].slug)
    context = {
        "form": form,
        "questionnaire": CURRENT,
        "step_count": len(CURRENT.core_steps),
        "core_steps": CURRENT.core_steps,
        "modules": CURRENT.modules,
        # The honest time, from the definition: the sum of the modules' own estimates.
        "module_minutes": sum(module.minutes for module in CURRENT.modules),
        "module_minutes_range": _minutes_range(CURRENT.modules),
    }
    return render(request, "assessments/start.html", context)


def _minutes_range(modules) -> str:
    """'2 to 5' minutes each, as the modules' own estimates say."""
    minutes = [module.minutes for module in modules] or [0]
    low, high = min(minutes), max(minutes)
    return str(low) if low == high else f"{low} to {high}"


def is_last_core_step(questionnaire: Questionnaire, slug: str) -> bool:
    """Version 2 submits from its last core page (no review wall): the safety check."""
    return bool(questionnaire.modules) and questionnaire.core_steps[-1].slug == slug


@private_page
def resume(request: HttpRequest, token: str) -> HttpResponse:
    """The resume link: wherever the runner got to."""
    submission = get_submission(token)
    if submission.is_submitted:
        return redirect("assessments:result", token)
    questionnaire = questionnaire_of(submission)
    slug = flow.first_incomplete_step(questionnaire, submission.answers, submission.progress)
    if slug is None and questionnaire.modules:
        # Every core page answered but not sent: the last one holds "See my result".
        slug = questionnaire.core_steps[-1].slug
    if slug is None:
        return redirect("assessments:review", token)
    return redirect("assessments:step", token, slug)


def progress_context(questionnaire, submission, current: str) -> dict:
    # One reverse() for the seven links: the step slug is the URL's last part.
    first = questionnaire.steps[0].slug
    step_url = reverse("assessments:step", args=[submission.token, first]).removesuffix(f"{first}/")
    complete = flow.complete_steps(questionnaire, submission.answers, submission.progress)
    steps = []
    for index, step in enumerate(questionnaire.core_steps):
        steps.append(
            {
                "slug": step.slug,
                "url": f"{step_url}{step.slug}/",
                "title": step.title,
                "number": index + 1,
                "current": step.slug == current,
                "done": step.slug in complete,
            }
        )
    position = next((s["number"] for s in steps if s["current"]), len(steps) + 1)
    progress = {
        "progress_steps": steps,
        "progress_position": position,
        "progress_total": len(steps),
        "progress_max": len(steps) + 1,  # the review counts as a last step
    }
    # Version 1: assessments/includes/progress.html; version 2: includes/progress_named.html.
    return progress


@private_page
@require_http_methods(["GET", "POST"])
def step(request: HttpRequest, token: str, slug: str) -> HttpResponse:
    submission = get_submission(token)
    if submission.is_submitted:
        return redirect("assessments:result", token)
    questionnaire = questionnaire_of(submission)
    try:
        current = questionnaire.step(slug)
    except KeyError:
        raise Http404("no such step") from None
    if not flow.can_open(questionnaire, submission.answers, submission.progress, slug):
        messages.info(request, "Please finish this step first.")
        return redirect("assessments:resume", token)

    returning_to_review = request.GET.get("return") == "review"
    form = StepForm(
        posted(request), questionnaire=questionnaire, step=current, stored=submission.answers
    )
    last_core = is_last_core_step(questionnaire, slug)
    contact_form = None
    if last_core:
        contact_form = ContactForm(
            posted(request) if request.POST.get("action", "next") == "next" else None,
            initial={"email": submission.email},
            prefix="contact",
        )
    if request.method == "POST":
        action = request.POST.get("action", "next")
        valid = form.is_valid()
        own = {question.link_id for question in current.questions}
        kept = {k: v for k, v in submission.answers.items() if k not in own}
        if not valid and scoring.ends_questionnaire(
            questionnaire.clean_answers({**kept, **form.partial_answers()})
        ):
            # An emergency or urgent sign ends the questionnaire even with other questions
            # of the step unanswered: the save below submits it (submission_save_step).
            action = "save"
        if action in {"back", "save"}:
            # keep what is valid; nothing is required to go back or pause
            submission = submission_save_step(
                submission=submission,
                step_slug=slug,
                step_answers=form.partial_answers(),
                complete=slug in submission.progress and not form.errors,
            )
            if submission.is_submitted:  # stopped at a red flag: the safety page, at once
                return redirect("assessments:result", token)
            if action == "save":
                return redirect("assessments:saved", token)
            previous = questionnaire.previous_step(slug)
            if previous is None:
                return redirect("assessments:start")
            return redirect("assessments:step", token, previous.slug)
        if valid:
            submission = submission_save_step(
                submission=submission,
                step_slug=slug,
                step_answers=form.step_answers(),
                complete=True,
            )
            if submission.is_submitted:  # stopped at a red flag: the safety page, at once
                return redirect("assessments:result", token)
            if last_core:
                submitted = submit_with_contact(submission, contact_form)
                if submitted is not None:
                    return submitted
            else:
                following = questionnaire.next_step(slug)
                if returning_to_review or following is None:
                    return redirect("assessments:resume", token)
                return redirect("assessments:step", token, following.slug)

    context = {
        "submission": submission,
        "questionnaire": questionnaire,
        "step": current,
        "form": form,
        # Version 1's rows are plain values (includes/step_questions.html); version 2's pages
        # take the questions themselves (includes/question.html).
        "rows": form.question_rows() if questionnaire.modules else form.rows(),
        "is_first": questionnaire.step_index(slug) == 0,
        "stops_at_red_flags": scoring.asks_red_flags(current),
        "returning_to_review": returning_to_review,
        **progress_context(questionnaire, submission, slug),
    }
    if not questionnaire.modules:
        status = 400 if form.errors else 200
        return render(request, "assessments/step.html", context, status=status)
    if last_core:
        context["contact_form"] = contact_form
        context["check_sections"] = answer_sections(
            questionnaire, submission.answers, steps=questionnaire.core_steps[:-1]
        )
    status = 400 if form.errors or (contact_form is not None and contact_form.errors) else 200
    return render(request, "assessments/step_v2.html", context, status=status)


def submit_with_contact(submission: Submission, contact_form) -> HttpResponse | None:
    """Version 2's last core page: send the answers with the optional contact details (they
    pre-fill the booking). ``None`` when the details need a fix (the answers are saved)."""
    if not contact_form.is_valid():
        return None
    try:
        submission_submit(submission=submission, contact=Contact(**contact_form.cleaned_data))
    except NotComplete:
        return redirect("assessments:resume", submission.token)
    return redirect("assessments:result", submission.token)


@private_page
@require_http_methods(["GET", "POST"])
def review(request: HttpRequest, token: str) -> HttpResponse:
    submission = get_submission(token)
    if submission.is_submitted:
        return redirect("assessments:result", token)
    questionnaire = questionnaire_of(submission)
    if questionnaire.modules or not flow.can_open(
        questionnaire, submission.answers, submission.progress, flow.REVIEW
    ):
        # Version 2 has no review wall: "check your answers" sits on its last core page.
        return redirect("assessments:resume", token)
    initial = {"email": submission.email}
    form = ContactForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            submission = submission_submit(
                submission=submission, contact=Contact(**form.cleaned_data)
            )
        except NotComplete:
            return redirect("assessments:resume", token)
        return redirect("assessments:result", token)
    context = {
        "submission": submission,
        "sections": answer_sections(questionnaire, submission.answers),
        "form": form,
        **progress_context(questionnaire, submission, flow.REVIEW),
    }
    return render(request, "assessments/review.html", context, status=400 if form.errors else 200)


@private_page
@require_http_methods(["GET", "POST"])
@rate_limited("assessment-email")
def saved(request: HttpRequest, token: str) -> HttpResponse:
    """Save and resume: the link to come back, and an offer to email it."""
    submission = get_submission(token)
    form = ResumeEmailForm(
        posted(request), initial={"email": submission.email, "remind_me": submission.remind_me}
    )
    if request.method == "POST" and form.is_valid():
        submission_email_link(
            submission=submission,
            email=form.cleaned_data["email"],
            remind_me=form.cleaned_data["remind_me"],
        )
        messages.success(request, "We have emailed you the link.")
        return redirect("assessments:saved", token)
    resume_url = request.build_absolute_uri(reverse("assessments:resume", args=[token]))
    return render(
        request,
        "assessments/saved.html",
        {"submission": submission, "form": form, "resume_url": resume_url},
        status=400 if form.errors else 200,
    )


def safety_page(request: HttpRequest, submission: Submission, email_form, status=200):
    """Emergency and urgent intakes: what to do now, not a result (no chart, no IT band
    pattern, no education or exercises, no booking link or menu item)."""
    book_url = ""
    if submission.flag_cleared:  # a clinician spoke with the runner and lifted the block
        book_url = f"{reverse('booking:start')}?{urlencode({'intake': submission.token})}"
    context = {
        "submission": submission,
        "email_form": email_form,
        "email_form_html": result_email_form_html(email_form),
        "book_url": book_url,
        **intake_safety_context(submission),
    }
    response = render(request, "assessments/safety.html", context, status=status)
    if submission.flag_cleared:
        return response
    # This browser stopped here: a cold /book/ sends it back to this page while the flag still
    # blocks (booking.rules.hold_block decides that).
    return hold_browser(response, submission)


@private_page
def result(request: HttpRequest, token: str) -> HttpResponse:
    submission = get_submission(token)
    if not submission.is_submitted:
        return redirect("assessments:resume", token)
    email_form = result_email_form(email=submission.email)
    if submission.has_red_flag:
        return safety_page(request, submission, email_form)
    return render_result(request, submission, email_form)


def render_result(request: HttpRequest, submission: Submission, email_form, status=200):
    context = {
        "submission": submission,
        "email_form": email_form,
        "email_form_html": result_email_form_html(email_form),
        **result_context(submission),
    }
    context["book_url"] = f"{reverse('booking:start')}?{urlencode({'intake': submission.token})}"
    if context.get("version2"):
        for item in context["modules"]:
            item["url"] = reverse("assessments:module", args=[submission.token, item["key"]])
        context["module_minutes_range"] = _minutes_range(
            get_version(submission.questionnaire_version).modules
        )
        return render(request, "assessments/result_v2.html", context, status=status)
    return render(request, "assessments/result.html", context, status=status)


@private_page
@require_POST
@rate_limited("assessment-email")
def email_result(request: HttpRequest, token: str) -> HttpResponse:
    submission = get_submission(token)
    if not submission.is_submitted:
        return redirect("assessments:resume", token)
    form = result_email_form(request.POST)
    if form.is_valid():
        try:
            submission_email_link(submission=submission, email=form.cleaned_data["email"])
        except AssessmentError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, "We have emailed you the link to this page.")
        return redirect("assessments:result", token)
    if submission.has_red_flag:
        return safety_page(request, submission, form, status=400)
    return render_result(request, submission, form, status=400)


@private_page
@require_http_methods(["GET", "POST"])
def module(request: HttpRequest, token: str, key: str) -> HttpResponse:
    """One optional home-test module of a submitted version 2 intake ("sharpen your
    profile"): any order, before or after booking, through the same private link. Saving it
    rescores the result, which the runner and the clinician then see."""
    submission = get_submission(token)
    if not submission.is_submitted:
        return redirect("assessments:resume", token)
    if submission.has_red_flag:
        return redirect("assessments:result", token)
    questionnaire = questionnaire_of(submission)
    try:
        chosen = questionnaire.module(key)
    except KeyError:
        raise Http404("no such module") from None
    # Version 2's modules are one page each (its definition test pins that).
    step_def = questionnaire.step(chosen.steps[0])
    form = StepForm(
        posted(request), questionnaire=questionnaire, step=step_def, stored=submission.answers
    )
    if request.method == "POST" and form.is_valid():
        try:
            submission_save_module(
                submission=submission, module_key=key, module_answers=form.step_answers()
            )
        except ModuleNotOpen as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{chosen.title}: saved. Your profile is updated.")
        return redirect(reverse("assessments:result", args=[token]) + "#profile")
    context = {
        "submission": submission,
        "module": chosen,
        "step": step_def,
        "form": form,
        "rows": form.question_rows(),
    }
    status = 400 if form.errors else 200
    return render(request, "assessments/module.html", context, status=status)

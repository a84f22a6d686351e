"""The clinician's second version (issue 16, problems 7-10) through the URLs: the brief tells
the pain story first, flags read as what to do, answers show what is abnormal and what was not
tested, and the queue flows from one intake to the next."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from assessments.clinical import STAFF_FLAG_ACTIONS
from assessments.models import Submission
from assessments.scoring.rubric import FLAG_RULES
from tests.assessment_data import V2_CORE, WEAK_GLUTES, make_submission, with_changes
from tests.factories import AppointmentFactory, PatientFactory

pytestmark = pytest.mark.django_db

URGENT = with_changes(WEAK_GLUTES, safety_check={"safety_urgent": ["knee_locked"]})
EMERGENCY = with_changes(WEAK_GLUTES, safety_check={"safety_emergency": ["calf_clot"]})
SOFT = with_changes(WEAK_GLUTES, safety_check={"safety_soft": ["giving_way"]})
MINOR = with_changes(WEAK_GLUTES, about_you={"age_band": "under_18"})
RUNNER_ADVICE = "tell your doctor"


def page(client, user, url) -> str:
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def waited(intake, hours: float) -> None:
    Submission.objects.filter(pk=intake.pk).update(
        submitted_at=timezone.now() - timedelta(hours=hours)
    )


# -- 7: the brief -------------------------------------------------------------------------------


def test_the_brief_tells_the_pain_story_first(client, clinician_user):
    intake = make_submission(
        with_changes(WEAK_GLUTES, about_you={"next_race": "within_4_weeks"}),
        version="1",
        first_name="Riley",
    )
    html = page(client, clinician_user, f"/clinician/intake/{intake.pk}/brief/")
    story = html[html.index('id="pain-story"') : html.index('id="profile-title"')]
    for label, answer in (
        ("Side", "Right"),
        ("Worst pain", "6 out of 10"),
        ("Pain at rest", "1 out of 10"),
        ("For how long", "6 weeks"),
        ("Worse downhill", "Yes"),
        ("Tried", "Foam rolling"),
        ("Next race", "Within 4 weeks"),
    ):
        assert re.search(rf"<dt[^>]*>{label}</dt><dd[^>]*>[^<]*{answer}", story), label
    assert html.index("Pain story") < html.index("Drivers ·") < html.index("Suggested in-clinic")


def test_the_brief_lists_red_flags_as_actions_with_their_state(client, clinician_user):
    intake = make_submission(URGENT, email="urgent@example.com")
    url = f"/clinician/intake/{intake.pk}/brief/"
    html = page(client, clinician_user, url)
    actions = html[html.index('id="flag-actions"') : html.index('id="profile-title"')]
    assert STAFF_FLAG_ACTIONS["knee_locked"] in actions.replace("&#x27;", "'")
    assert "Phoned?" in actions and "Cleared?" in actions
    assert actions.count("Not yet") == 2
    client.post(f"/clinician/intake/{intake.pk}/", {"action": "contact", "note": "Called."})
    client.post(f"/clinician/intake/{intake.pk}/", {"action": "clear_flag", "note": "Seen by GP."})
    actions = client.get(url).content.decode()
    assert "Yes, contact recorded" in actions and "Yes, by " in actions


def test_the_brief_says_not_measured_for_a_module_not_done(client, clinician_user):
    intake = make_submission(V2_CORE, version="2")
    html = page(client, clinician_user, f"/clinician/intake/{intake.pk}/brief/")
    assert "not measured (module not done)" in html
    assert "Pain story" in html and "Pain at rest" not in html  # version 2 does not ask it


def test_the_brief_shows_age_and_guardian(client, clinician_user):
    intake = make_submission(MINOR, first_name="Sam", date_of_birth=date(2010, 2, 1))
    html = page(client, clinician_user, f"/clinician/intake/{intake.pk}/brief/")
    assert re.search(r'id="runner-age">16 <span[^>]*id="minor-info">Minor', html)
    assert "Not given yet</strong>: needed before the visit" in html
    patient = PatientFactory(guardian_name="Pat Doe", guardian_phone="(301) 555-0177")
    AppointmentFactory(submission=intake, patient=patient)
    html = client.get(f"/clinician/intake/{intake.pk}/brief/").content.decode()
    assert "Pat Doe" in html and 'href="tel:3015550177"' in html


# -- 8: flags for staff -------------------------------------------------------------------------


def test_every_flag_has_staff_wording():
    assert set(STAFF_FLAG_ACTIONS) == set(FLAG_RULES)
    assert not any(
        RUNNER_ADVICE in text or "You can book" in text for text in STAFF_FLAG_ACTIONS.values()
    )


def test_flags_read_as_what_the_clinician_does_not_the_runner_advice(client, clinician_user):
    intake = make_submission(SOFT)
    html = page(client, clinician_user, f"/clinician/intake/{intake.pk}/")
    assert STAFF_FLAG_ACTIONS["giving_way"] in html
    assert RUNNER_ADVICE not in html and "You can book" not in html


def test_under_18_is_information_not_a_red_flag(client, clinician_user):
    intake = make_submission(MINOR)
    html = page(client, clinician_user, f"/clinician/intake/{intake.pk}/")
    assert 'id="flag-actions"' not in html  # its only flag is the age
    assert 'id="minor-info"' in html and "Under 18 (age band)" in html


def test_flag_badges_are_red_orange_and_neutral_never_cyan(client, clinician_user):
    make_submission(EMERGENCY)
    make_submission(URGENT)
    make_submission(SOFT)
    html = page(client, clinician_user, "/clinician/")
    for level in ("emergency", "urgent", "soft"):
        assert f"flag-badge flag-{level}" in html
    assert "text-bg-info" not in html and "text-bg-warning" not in html


# -- 9: the intake page -------------------------------------------------------------------------


def test_self_tests_are_open_and_background_collapsed(client, clinician_user):
    intake = make_submission()
    html = page(client, clinician_user, f"/clinician/intake/{intake.pk}/")
    assert re.search(r'id="answers-about-you">', html)  # no "open"
    for slug in ("your-pain", "hip-mobility", "strength-balance", "movement-technique"):
        assert re.search(rf'id="answers-{slug}" open>', html), slug


def test_abnormal_findings_are_marked(client, clinician_user):
    intake = make_submission()
    html = page(client, clinician_user, f"/clinician/intake/{intake.pk}/")
    finding = re.search(r'data-link-id="single_leg_stance">(.*?)</dd>', html).group(1)
    assert "Abnormal:" in finding
    normal = re.search(r'data-link-id="deep_squat">(.*?)</dd>', html).group(1)
    assert "Abnormal" not in normal


def test_a_zero_reads_zero_and_a_test_not_done_reads_not_tested(client, clinician_user):
    zero = make_submission(
        with_changes(WEAK_GLUTES, strength_balance={"side_plank_left": "0"}), version="1"
    )
    html = page(client, clinician_user, f"/clinician/intake/{zero.pk}/")
    assert re.search(
        r'data-link-id="side_plank_left">[^<]*<span[^>]*>Abnormal:</span> 0 seconds', html
    )
    core_only = make_submission(V2_CORE, version="2")
    html = client.get(f"/clinician/intake/{core_only.pk}/").content.decode()
    assert "(module not done: not tested)" in html
    assert re.search(r'class="[^"]*not-tested"[^>]*data-link-id="side_plank"[^>]*>Not tested', html)


def test_the_intake_shows_age_and_a_tel_link(client, clinician_user):
    intake = make_submission(phone="+1 301-555-0100", date_of_birth=date(1990, 6, 11))
    html = page(client, clinician_user, f"/clinician/intake/{intake.pk}/")
    assert 'id="runner-age">35<' in html  # 36 on June 11, 2026; the suite's day is June 10
    assert '<a href="tel:+13015550100">+1 301-555-0100</a>' in html


# -- 10: the queue as a flow --------------------------------------------------------------------


def test_mark_reviewed_opens_the_next_intake(client, clinician_user):
    first = make_submission(URGENT, first_name="First")
    second = make_submission(first_name="Second")
    client.force_login(clinician_user)
    response = client.post(f"/clinician/intake/{first.pk}/", {"action": "review"})
    assert response.url == f"/clinician/intake/{second.pk}/"
    response = client.post(f"/clinician/intake/{second.pk}/", {"action": "review"}, follow=True)
    assert response.redirect_chain[-1][0] == "/clinician/"
    assert "No more intakes to review." in response.content.decode()


@pytest.mark.date_sensitive
def test_urgent_and_emergency_show_their_wait_and_sort_by_it(client, clinician_user):
    recent = make_submission(URGENT, first_name="Recent")
    older = make_submission(URGENT, first_name="Older")
    soft = make_submission(SOFT, first_name="Soft")
    waited(recent, 1.5)
    waited(older, 3.2)
    waited(soft, 5)
    # The recent one has a visit booked sooner: waiting still comes first for urgent intakes.
    AppointmentFactory(submission=recent)
    Submission.objects.filter(pk=recent.pk).update(next_visit_at=timezone.now())
    client.force_login(clinician_user)
    response = client.get("/clinician/")
    rows = response.context["intakes"]
    assert [row.pk for row in rows] == [older.pk, recent.pk, soft.pk]
    assert [row.waiting for row in rows] == ["waiting 3 h", "waiting 1 h", ""]
    assert "waiting 3 h" in response.content.decode()


def test_an_intake_flagged_only_for_age_shows_no_flag_badge_in_the_queue(client, clinician_user):
    make_submission(MINOR, first_name="Young")
    both = make_submission(
        with_changes(MINOR, safety_check={"safety_soft": ["giving_way"]}), first_name="Both"
    )
    html = page(client, clinician_user, "/clinician/")
    young_row = re.search(r"<tr[^>]*>\s*<td><a[^>]*>Young.*?</tr>", html, re.S).group(0)
    both_row = re.search(r"<tr[^>]*>\s*<td><a[^>]*>Both.*?</tr>", html, re.S).group(0)
    assert "Under 18" in young_row and "flag-badge" not in young_row
    assert "flag-soft" in both_row and both.pk


@pytest.mark.parametrize("suffix", ["", "brief/"])
def test_intake_and_brief_queries_do_not_grow_with_visits_and_notes(
    client, clinician_user, django_assert_max_num_queries, suffix
):
    intake = make_submission()
    url = f"/clinician/intake/{intake.pk}/{suffix}"
    client.force_login(clinician_user)
    AppointmentFactory(submission=intake)
    client.get(url)  # the session's first request reads more (the user, the roles)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    count = len(few.captured_queries)  # now: each request clears Django's query log
    for _ in range(4):
        AppointmentFactory(submission=intake)
    for body in ("One", "Two", "Three"):
        client.post(f"/clinician/intake/{intake.pk}/", {"action": "note", "body": body})
    with django_assert_max_num_queries(count):
        client.get(url)


def test_the_queue_filters_show_each_clinicians_choice_and_new_clinics(client, clinician_user):
    """The filter form's markup is kept with the schedule copies (clinician.views.
    queue_filter_html): each request still shows its own choices, and a new clinic at once."""
    from booking.models import Location

    Location.objects.create(slug="bethesda", name="Bethesda", timezone="America/New_York")
    html = page(client, clinician_user, "/clinician/?location=bethesda&state=reviewed&mine=1")
    assert re.search(r'<option value="bethesda" selected>Bethesda</option>', html)
    assert re.search(r'<option value="reviewed" selected>', html)
    assert re.search(r'name="mine"[^>]*checked', html)
    html = page(client, clinician_user, "/clinician/")
    assert re.search(r'<option value="" selected>Both clinics</option>', html)
    assert not re.search(r'name="mine"[^>]*checked', html)
    Location.objects.create(slug="rockville", name="Rockville", timezone="America/New_York")
    html = page(client, clinician_user, "/clinician/?location=%3Cscript%3E")
    assert '<option value="rockville">Rockville</option>' in html
    assert "<script>" not in html.split("<main", 1)[1].split("</form>", 1)[0]

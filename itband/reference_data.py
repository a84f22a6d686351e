"""Rows the site cannot work without: the staff roles and the clinic's policy pages.

Created by a data migration; tests that flush the database (live_server) call it again.
It takes an app registry so that the migration can pass its historical models.
"""

from .roles import ROLE_NAMES

PRIVACY = """We collect only what we need to assess your running injury and book your visit: your answers to the self-assessment, and the contact details and date of birth you give us when you book.

Your answers are health information. Only the clinic's physical therapists read them, to prepare your evaluation. Front-desk staff see your contact details and appointments, not your answers. Every staff view of your health information is recorded.

Your results and bookings are reached only through private links sent to you. Do not share those links. An assessment you start but do not submit is deleted after 30 days.

We never sell your data, and we do not use third-party trackers, advertising or analytics on this site.

To see, correct or delete your information, call either clinic or write to us. (Demo text: the clinic admin edits this notice in the admin.)"""

CANCELLATION = """Please give us at least 24 hours' notice if you need to cancel, and at least 12 hours to move your appointment to another time. You can do both from the link in your confirmation email.

Inside those windows, please call the clinic: we may be able to fit you in another day. A cancellation with less than 24 hours' notice, or a missed appointment, may be charged as a late cancellation.

(Demo text: the clinic admin edits this policy in the admin.)"""

PAGES = (
    ("privacy", "Privacy notice", PRIVACY),
    ("cancellation-policy", "Cancellation policy", CANCELLATION),
)


def create_reference_data(apps) -> None:
    Group = apps.get_model("auth", "Group")
    SitePage = apps.get_model("itband", "SitePage")
    for name in ROLE_NAMES:
        Group.objects.get_or_create(name=name)
    for slug, title, body in PAGES:
        SitePage.objects.get_or_create(slug=slug, defaults={"title": title, "body": body})

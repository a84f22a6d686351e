"""`manage.py twofactor_link USERNAME`: print a one-time two-factor set-up link (for a staff
member without an email address, or the first admin of a new deployment). Audited."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from itband.audit import audit_record
from itband.enrolment import LINK_LIFETIME, enrolment_link_issue
from itband.models import AuditEvent


class Command(BaseCommand):
    help = "Print a one-time link with which USERNAME can set up two-factor sign-in."

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, username: str, **options):
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None or not user.is_active:
            raise CommandError(f"No active staff account {username!r}.")
        url = enrolment_link_issue(user=user)
        audit_record(
            request=None,
            action=AuditEvent.Action.TWO_FACTOR_LINK_SENT,
            obj=user,
            detail="printed by manage.py twofactor_link",
        )
        hours = int(LINK_LIFETIME.total_seconds() // 3600)
        self.stdout.write(
            f"One-time set-up link for {username} (valid {hours} hours, once; they must be "
            f"signed in as themselves to open it):\n{url}"
        )

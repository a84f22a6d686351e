"""Reminders that bring runners back (an unfinished assessment, a result without a booking):
what every such email shares, whichever app decides it is due.

- the sending hours: only between 08:00 and 20:00 at the clinic (``next_sending_time``);
- the address's subscription: one unguessable token per address for the one-click unsubscribe,
  honoured at once (``reminder_enqueue`` refuses an unsubscribed address);
- the headers of RFC 8058 (``List-Unsubscribe`` + ``List-Unsubscribe-Post``), the visible link
  and the clinic's name and postal address in the footer.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from .models import OutboxMessage, ReminderSubscription
from .outbox import outbox_enqueue

# Every reminder's outbox key starts so: unsubscribing cancels those still waiting for the relay.
KEY_PREFIX = "reminder:"


def clinic_zone() -> ZoneInfo:
    """The default clinic time zone (a submission has no clinic of its own)."""
    return ZoneInfo(settings.TIME_ZONE)


def next_sending_time(at: datetime, zone: ZoneInfo | None = None) -> datetime:
    """``at`` itself inside the sending hours (local, start inclusive, end exclusive), else
    the next opening of them: 08:00 the same morning, or the next day's after 20:00. The
    local 08:00 is built from the date, so a DST change in the night keeps it at 08:00."""
    zone = zone or clinic_zone()
    start_hour, end_hour = settings.REMINDER_SENDING_HOURS
    local = at.astimezone(zone)
    if time(start_hour) <= local.time() < time(end_hour):
        return at
    day = local.date() if local.time() < time(start_hour) else local.date() + timedelta(days=1)
    return datetime.combine(day, time(start_hour), tzinfo=zone)


def in_sending_hours(now: datetime, zone: ZoneInfo | None = None) -> bool:
    return next_sending_time(now, zone) == now


def normalise_email(email: str) -> str:
    return (email or "").strip().lower()


def is_unsubscribed(email: str) -> bool:
    return ReminderSubscription.objects.filter(
        email=normalise_email(email), unsubscribed_at__isnull=False
    ).exists()


def subscription_for(email: str) -> ReminderSubscription:
    subscription, _ = ReminderSubscription.objects.get_or_create(email=normalise_email(email))
    return subscription


def unsubscribe_url(subscription: ReminderSubscription) -> str:
    return settings.SITE_URL + reverse("unsubscribe", args=[subscription.token])


def reminder_enqueue(
    *, key: str, to: str, template: str, context: dict, topic: str
) -> OutboxMessage | None:
    """Queue one reminder with its unsubscribe header, link and footer; None (nothing queued)
    when the address has unsubscribed. ``key`` must be unique per reminder: the same key twice
    queues one email."""
    subscription = subscription_for(to)
    if subscription.unsubscribed_at is not None:
        return None
    link = unsubscribe_url(subscription)
    return outbox_enqueue(
        key=f"{KEY_PREFIX}{key}",
        to=to,
        template=template,
        topic=topic,
        context={
            **context,
            "unsubscribe_url": link,
            "clinic_postal_address": settings.CLINIC_POSTAL_ADDRESS,
        },
        headers={
            "List-Unsubscribe": f"<{link}>",
            "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        },
    )


@transaction.atomic
def reminders_unsubscribe(*, subscription: ReminderSubscription) -> ReminderSubscription:
    """Stop every reminder to this address, at once: later runs skip it, and its reminders
    still waiting for the relay are cancelled. Twice is the same as once (mail clients may
    repeat the one-click POST)."""
    subscription = ReminderSubscription.objects.select_for_update().get(pk=subscription.pk)
    if subscription.unsubscribed_at is None:
        subscription.unsubscribed_at = timezone.now()
        subscription.save(update_fields=["unsubscribed_at"])
    OutboxMessage.objects.filter(
        to__iexact=subscription.email,
        key__startswith=KEY_PREFIX,
        status=OutboxMessage.Status.PENDING,
    ).update(status=OutboxMessage.Status.CANCELLED, last_error="unsubscribed")
    return subscription

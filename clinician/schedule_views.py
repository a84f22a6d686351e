"""The clinician's own schedule: today and tomorrow, one line of brief per visit."""

from datetime import timedelta

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from booking.dates import local_bounds
from booking.models import Appointment
from itband.http import mark_no_store
from itband.roles import CLINICIAN, role_required


@role_required(CLINICIAN)
def my_schedule(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    zone = timezone.get_current_timezone()
    start, end = local_bounds(zone, today, 2)
    appointments = (
        Appointment.objects.holding_time()
        .filter(clinician__user=request.user, start__gte=start, start__lt=end)
        .select_related("patient", "location", "appointment_type", "submission")
        .order_by("start")
    )
    days = {today: [], today + timedelta(days=1): []}
    for appointment in appointments:
        days.setdefault(appointment.local_start.date(), []).append(appointment)
    context = {"days": list(days.items()), "has_clinician": hasattr(request.user, "clinician")}
    return mark_no_store(render(request, "clinician/schedule.html", context))

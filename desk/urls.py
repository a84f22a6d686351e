"""/desk/: the front desk's workspace (staff login and the "Front desk" role)."""

from django.urls import path

from . import message_views as desk_message_views
from . import patient_views as desk_patient_views
from . import schedule_views as desk_schedule_views
from . import views as desk_views
from . import waitlist_views as desk_waitlist_views

app_name = "desk"

urlpatterns = [
    path("", desk_views.day, name="day"),
    path("week/", desk_views.week, name="week"),
    path("appointments/<int:pk>/", desk_views.appointment_detail, name="appointment"),
    path(
        "appointments/<int:pk>/reschedule/",
        desk_views.appointment_reschedule_view,
        name="reschedule",
    ),
    path("book/", desk_views.book, name="book"),
    path("export.csv", desk_views.export_csv, name="export"),
    path("messages/", desk_message_views.message_log, name="messages"),
    path("patients/", desk_patient_views.patient_search, name="patients"),
    path("patients/<int:pk>/", desk_patient_views.patient_detail, name="patient"),
    path("schedules/", desk_schedule_views.schedules, name="schedules"),
    path(
        "schedules/clinicians/<int:pk>/",
        desk_schedule_views.clinician_schedule,
        name="clinician-schedule",
    ),
    path("schedules/closures/", desk_schedule_views.closures, name="closures"),
    path("waitlist/", desk_waitlist_views.waitlist_list, name="waitlist"),
    path("waitlist/<int:pk>/offer/", desk_waitlist_views.waitlist_offer, name="waitlist-offer"),
    path("waitlist/<int:pk>/remove/", desk_waitlist_views.waitlist_remove, name="waitlist-remove"),
    path(
        "waitlist/holds/<int:pk>/release/",
        desk_waitlist_views.waitlist_release,
        name="waitlist-release",
    ),
]

from django.urls import path

from . import views, waitlist_views

app_name = "booking"

urlpatterns = [
    path("", views.start, name="start"),
    path("details/", views.details, name="details"),
    path("manage/<slug:token>/", views.manage, name="manage"),
    path("manage/<slug:token>/cancel/", views.cancel, name="cancel"),
    path("manage/<slug:token>/reschedule/", views.reschedule, name="reschedule"),
    path("manage/<slug:token>/calendar.ics", views.calendar_file, name="calendar"),
    path("waitlist/", waitlist_views.join, name="waitlist-join"),
    path("waitlist/offer/<slug:token>/", waitlist_views.offer_page, name="waitlist-offer"),
    path("waitlist/<slug:token>/", waitlist_views.entry_page, name="waitlist-entry"),
]

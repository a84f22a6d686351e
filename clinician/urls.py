from django.urls import path

from . import views as clinician_views

app_name = "clinician"

urlpatterns = [
    path("", clinician_views.queue, name="queue"),
    path("intake/<int:pk>/", clinician_views.intake_detail, name="intake"),
    path("intake/<int:pk>/brief/", clinician_views.intake_brief, name="brief"),
]

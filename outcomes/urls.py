from django.urls import path

from . import views

app_name = "outcomes"

urlpatterns = [
    path("c/<slug:token>/", views.checkin, name="checkin"),
    path("visit/<int:pk>/", views.visit, name="visit"),
]

"""/clinic/: the clinic page (staff login and the "Clinic lead" role)."""

from django.urls import path

from . import views

app_name = "clinic"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("export/<slug:key>.csv", views.export_csv, name="export"),
]

from django.apps import AppConfig


class ClinicConfig(AppConfig):
    """The clinic page (/clinic/): what the clinic achieves and where its pathway loses
    people, for the "Clinic lead" role. Reads over booking, assessments and outcomes; no
    models of its own, and none of those apps imports it."""

    name = "clinic"
    verbose_name = "Clinic page"

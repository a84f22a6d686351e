from django.apps import AppConfig


class ClinicianConfig(AppConfig):
    """The clinician's workspace (/clinician/): the review queue, an intake, its brief and the
    clinician's own schedule; no models of its own."""

    name = "clinician"
    verbose_name = "Clinician"

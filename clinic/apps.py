from django.apps import AppConfig


class ClinicConfig(AppConfig):
    """The clinic page (/clinic/): what the clinic achieves and where its pathway loses
    people, for the "Clinic lead" role. Reads over booking, assessments and outcomes; no
    models of its own, and none of those apps imports it."""

    name = "clinic"
    verbose_name = "Clinic page"

    def seed_demo(self) -> None:
        """Called by seed_demo (booking's command never imports this app): a few months of
        history so the clinic page has something to show."""
        from .demo import seed_history

        seed_history()

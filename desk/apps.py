from django.apps import AppConfig


class DeskConfig(AppConfig):
    """The front desk's workspace (/desk/): views, forms, reads and writes over booking's models;
    no models of its own."""

    name = "desk"
    verbose_name = "Front desk"

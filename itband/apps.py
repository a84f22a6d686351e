from django.apps import AppConfig


class ItbandConfig(AppConfig):
    name = "itband"
    verbose_name = "Clinic site"

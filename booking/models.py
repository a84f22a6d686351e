"""Clinics, clinicians, appointment types, availability and appointments."""

from zoneinfo import ZoneInfo

from django.db import models


class Location(models.Model):
    """A clinic. Its hours and slots are computed in its own time zone."""

    name = models.CharField(max_length=100)
    slug = models.SlugField(unique=True)
    street = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    region = models.CharField("state", max_length=2)
    postal_code = models.CharField(max_length=10)
    phone = models.CharField(max_length=30)
    timezone = models.CharField(max_length=64, default="America/New_York")
    hours_summary = models.CharField(max_length=200, blank=True)
    directions = models.TextField(blank=True, help_text="Parking, entrance, what to expect.")
    is_demo = models.BooleanField(
        default=False, help_text="Demo values: set the real address and phone before going live."
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @property
    def address(self) -> str:
        return f"{self.street}, {self.city}, {self.region} {self.postal_code}"

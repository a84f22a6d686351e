from django.contrib import admin

from .models import Location


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "phone", "timezone", "is_demo", "is_active")
    prepopulated_fields = {"slug": ("name",)}

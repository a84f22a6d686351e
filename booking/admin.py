from django import forms
from django.contrib import admin

from itband.admin import AuditedAdminMixin

from .models import (
    Appointment,
    AppointmentEvent,
    AppointmentType,
    Clinician,
    Closure,
    Location,
    Patient,
    TimeOff,
    WeeklyAvailability,
)


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ("name", "city", "phone", "timezone", "is_demo", "is_active")
    prepopulated_fields = {"slug": ("name",)}


class WeeklyHoursFormSet(forms.BaseInlineFormSet):
    """Refuse two blocks of one clinician that overlap on a weekday, even both new."""

    def clean(self) -> None:
        super().clean()
        blocks = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if (
                not data
                or data.get("DELETE")
                or not all(data.get(key) is not None for key in ("weekday", "start", "end"))
            ):
                continue
            for weekday, start, end in blocks:
                if weekday == data["weekday"] and start < data["end"] and data["start"] < end:
                    raise forms.ValidationError(
                        "Two blocks overlap on the same day: a clinician works at one clinic "
                        "at a time."
                    )
            blocks.append((data["weekday"], data["start"], data["end"]))


class WeeklyAvailabilityInline(admin.TabularInline):
    model = WeeklyAvailability
    formset = WeeklyHoursFormSet
    extra = 1


class TimeOffInline(admin.TabularInline):
    model = TimeOff
    extra = 0


@admin.register(Clinician)
class ClinicianAdmin(admin.ModelAdmin):
    list_display = ("display_name", "user", "is_active")
    list_filter = ("is_active", "locations")
    search_fields = ("display_name", "user__username")
    filter_horizontal = ("locations",)
    inlines = [WeeklyAvailabilityInline, TimeOffInline]


@admin.register(AppointmentType)
class AppointmentTypeAdmin(admin.ModelAdmin):
    list_display = ("name", "slug", "duration_minutes", "intake", "is_public", "is_active")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(TimeOff)
class TimeOffAdmin(admin.ModelAdmin):
    list_display = ("clinician", "start", "end", "reason")
    list_filter = ("clinician",)


@admin.register(Closure)
class ClosureAdmin(admin.ModelAdmin):
    list_display = ("date", "location", "reason")
    list_filter = ("location",)


@admin.register(Patient)
class PatientAdmin(AuditedAdminMixin, admin.ModelAdmin):
    list_display = ("last_name", "first_name", "date_of_birth", "email", "phone")
    search_fields = ("last_name", "first_name", "email")


class AppointmentEventInline(admin.TabularInline):
    model = AppointmentEvent
    extra = 0
    can_delete = False
    readonly_fields = ("created_at", "kind", "from_status", "to_status", "actor", "detail")

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Appointment)
class AppointmentAdmin(admin.ModelAdmin):
    """Read-mostly: bookings change through the booking services (desk and manage link)."""

    list_display = ("start", "location", "clinician", "appointment_type", "status", "source")
    list_filter = ("status", "location", "clinician", "source")
    search_fields = ("patient__last_name", "patient__first_name")
    date_hierarchy = "start"
    list_select_related = ("location", "clinician", "appointment_type")
    readonly_fields = [
        f.name for f in Appointment._meta.fields if f.name not in ("manage_token", "booking_key")
    ]
    exclude = ("manage_token", "booking_key")  # secrets stay out of the admin pages
    inlines = [AppointmentEventInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

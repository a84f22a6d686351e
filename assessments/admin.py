from django.contrib import admin

from itband.admin import AuditedAdminMixin

from .models import Submission


@admin.register(Submission)
class SubmissionAdmin(AuditedAdminMixin, admin.ModelAdmin):
    """Read-only: a submission is a record of what the runner answered and was told."""

    list_display = (
        "id",
        "status",
        "questionnaire_version",
        "highest_flag",
        "primary_driver",
        "submitted_at",
        "reviewed_at",
    )
    list_filter = ("status", "highest_flag", "questionnaire_version")
    readonly_fields = [f.name for f in Submission._meta.fields if f.name != "token"]
    exclude = ("token",)

    def has_add_permission(self, request):
        return False

    audit_action = "view_intake"

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        # Deleting would take the clinician's notes with it; intakes are records.
        return False

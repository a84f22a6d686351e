from django.contrib import admin

from .models import Submission


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
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

    def has_change_permission(self, request, obj=None):
        return False

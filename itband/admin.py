from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AuditEvent, OutboxMessage, SitePage, User

admin.site.site_header = "Cohen Health and Performance: clinic admin"
admin.site.site_title = "Clinic admin"

admin.site.register(User, UserAdmin)


@admin.register(SitePage)
class SitePageAdmin(admin.ModelAdmin):
    list_display = ("title", "slug", "updated_at")
    prepopulated_fields = {"slug": ("title",)}


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """Read-only: the outbox is a log. Bodies are shown only on the detail page."""

    list_display = ("created_at", "subject", "status", "attempts", "sent_at", "topic")
    list_filter = ("status",)
    search_fields = ("topic", "key")
    # The bodies carry runners' private links (result, manage): the log shows who, what and
    # when, never the body.
    readonly_fields = [
        f.name for f in OutboxMessage._meta.fields if f.name not in {"body_text", "body_html"}
    ]
    exclude = ("body_text", "body_html", "attachments")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """The audit log: superusers read it; nobody adds, changes or deletes a row."""

    list_display = ("at", "username", "action", "object_type", "object_id", "ip")
    list_filter = ("action", ("user", admin.RelatedOnlyFieldListFilter))
    search_fields = ("object_id",)
    search_help_text = "Search by object id"
    date_hierarchy = "at"
    readonly_fields = [f.name for f in AuditEvent._meta.fields]
    list_select_related = ("user",)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class AuditedAdminMixin:
    """Admin pages that show health data or contact details write an audit row per view."""

    audit_action = "view_patient"

    def change_view(self, request, object_id, form_url="", extra_context=None):
        from .audit import audit_record

        response = super().change_view(request, object_id, form_url, extra_context)
        if getattr(response, "status_code", 200) == 200 and request.method == "GET":
            obj = self.get_object(request, object_id)
            if obj is not None:
                audit_record(request=request, action=self.audit_action, obj=obj, detail="admin")
        return response

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import AuditEvent, OutboxMessage, SitePage, User

admin.site.site_header = "Cohen Health and Performance: clinic admin"
admin.site.site_title = "Clinic admin"


@admin.register(User)
class StaffUserAdmin(UserAdmin):
    actions = ["send_twofactor_link"]

    @admin.action(description="Email a two-factor set-up link")
    def send_twofactor_link(self, request, queryset):
        """The one-time link staff need, with their password, to set up two-factor
        (itband.enrolment), sent to each selected account's own address."""
        from .audit import audit_record
        from .enrolment import enrolment_link_send
        from .models import AuditEvent

        sent, skipped = 0, []
        for user in queryset:
            if enrolment_link_send(user=user, issued_by=request.user):
                audit_record(
                    request=request,
                    action=AuditEvent.Action.TWO_FACTOR_LINK_SENT,
                    obj=user,
                    detail="emailed by the clinic admin",
                )
                sent += 1
            else:
                skipped.append(user.get_username())
        if sent:
            self.message_user(request, f"Set-up link emailed to {sent} account(s).")
        if skipped:
            self.message_user(
                request,
                f"No email address on: {', '.join(skipped)}. Add one, or use "
                "`manage.py twofactor_link <username>` and hand the link over in person.",
                level="warning",
            )


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

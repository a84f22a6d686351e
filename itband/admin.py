from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import OutboxMessage, SitePage, User

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
    readonly_fields = [f.name for f in OutboxMessage._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

"""The append-only audit log. On PostgreSQL a trigger refuses UPDATE and DELETE of its rows,
so even raw SQL from the application's own role cannot rewrite history."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TRIGGER_SQL = """
CREATE OR REPLACE FUNCTION itband_auditevent_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'itband_auditevent is append-only: % refused', TG_OP;
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER itband_auditevent_append_only
    BEFORE UPDATE OR DELETE ON itband_auditevent
    FOR EACH ROW EXECUTE FUNCTION itband_auditevent_append_only();
"""

DROP_TRIGGER_SQL = """
DROP TRIGGER IF EXISTS itband_auditevent_append_only ON itband_auditevent;
DROP FUNCTION IF EXISTS itband_auditevent_append_only();
"""


def add_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(TRIGGER_SQL, params=None)


def drop_trigger(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(DROP_TRIGGER_SQL, params=None)


class Migration(migrations.Migration):
    dependencies = [
        ("itband", "0002_roles_and_pages"),
    ]

    operations = [
        migrations.CreateModel(
            name="AuditEvent",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("at", models.DateTimeField(auto_now_add=True, db_index=True)),
                (
                    "username",
                    models.CharField(
                        blank=True, help_text="Copied, so it survives a rename.", max_length=150
                    ),
                ),
                (
                    "action",
                    models.CharField(
                        choices=[
                            ("view_intake", "Viewed an intake"),
                            ("view_patient", "Viewed a patient"),
                            ("view_brief", "Viewed a pre-visit brief"),
                            ("notes_change", "Changed private notes"),
                            ("mark_reviewed", "Marked an intake reviewed"),
                            ("contact_recorded", "Recorded contact with a runner"),
                            ("intake_closed", "Closed an intake without a visit"),
                            ("intake_linked", "Linked an intake to a patient"),
                            ("export", "Exported data"),
                            ("login", "Signed in"),
                            ("login_failed", "Failed sign-in"),
                            ("logout", "Signed out"),
                            ("session_expired", "Session expired"),
                            ("2fa_enrolled", "Set up two-factor"),
                            ("2fa_verified", "Passed two-factor"),
                            ("2fa_failed", "Wrong two-factor code"),
                        ],
                        db_index=True,
                        max_length=40,
                    ),
                ),
                (
                    "object_type",
                    models.CharField(blank=True, help_text="app_label.model", max_length=100),
                ),
                ("object_id", models.CharField(blank=True, max_length=64)),
                ("ip", models.GenericIPAddressField(blank=True, null=True)),
                ("user_agent", models.CharField(blank=True, max_length=200)),
                ("detail", models.CharField(blank=True, max_length=200)),
                (
                    "user",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty for anonymous or system events.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="audit_events",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "audit event",
                "ordering": ["-at", "-id"],
                "indexes": [
                    models.Index(fields=["object_type", "object_id"], name="audit_object_idx")
                ],
            },
        ),
        # RunPython rather than RunSQL: the trigger exists only on PostgreSQL.
        migrations.RunPython(add_trigger, drop_trigger),
    ]

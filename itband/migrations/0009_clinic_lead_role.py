"""Create the "Clinic lead" role (the clinic page, /clinic/) with the other staff roles."""

from django.db import migrations


def create(apps, schema_editor):
    from itband.reference_data import create_reference_data

    create_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("itband", "0008_reminder_subscription_outbox_headers")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

"""Create the staff roles (groups) and the clinic's editable policy pages."""

from django.db import migrations


def create(apps, schema_editor):
    from itband.reference_data import create_reference_data

    create_reference_data(apps)


class Migration(migrations.Migration):
    dependencies = [("itband", "0001_initial"), ("auth", "0012_alter_user_first_name_max_length")]

    operations = [migrations.RunPython(create, migrations.RunPython.noop)]

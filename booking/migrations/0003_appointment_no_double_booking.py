"""No double booking: on PostgreSQL an exclusion constraint over clinician + time range.

btree_gist lets the GiST index compare the clinician id with ``=`` beside the range's ``&&``.
Both operations do nothing on SQLite, where the booking service checks inside an IMMEDIATE
transaction instead.
"""

from django.contrib.postgres.constraints import ExclusionConstraint
from django.contrib.postgres.fields import DateTimeRangeField, RangeBoundary, RangeOperators
from django.contrib.postgres.operations import BtreeGistExtension
from django.db import migrations
from django.db.models import Func, Q

from booking.migration_operations import AddConstraintOnPostgres


class TsTzRange(Func):
    function = "TSTZRANGE"
    output_field = DateTimeRangeField()


class Migration(migrations.Migration):
    dependencies = [
        ("booking", "0002_booking_models"),
    ]

    operations = [
        BtreeGistExtension(),
        AddConstraintOnPostgres(
            model_name="appointment",
            constraint=ExclusionConstraint(
                name="appointment_no_double_booking",
                expressions=[
                    ("clinician", RangeOperators.EQUAL),
                    (TsTzRange("start", "end", RangeBoundary()), RangeOperators.OVERLAPS),
                ],
                condition=Q(status__in=["booked", "checked_in", "completed", "no_show"]),
            ),
        ),
    ]

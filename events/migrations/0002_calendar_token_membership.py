"""Private calendar links belong to a membership and are deleted with it.

Existing links are attached to their holder's current membership; those of
people who left (whose link already answered 404) are deleted, so that a
member who rejoins does not find their old link alive again.
"""

import django.db.models.deletion
from django.db import migrations, models


def attach_to_memberships(apps, schema_editor):
    CalendarToken = apps.get_model("events", "CalendarToken")
    Membership = apps.get_model("councils", "Membership")
    for token in CalendarToken.objects.all().iterator():
        membership = Membership.objects.filter(
            user_id=token.user_id, council_id=token.council_id
        ).first()
        if membership is None:
            token.delete()
        else:
            CalendarToken.objects.filter(pk=token.pk).update(membership=membership)


class Migration(migrations.Migration):
    dependencies = [
        ("councils", "0005_labels_and_statuses"),
        ("events", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="calendartoken",
            name="membership",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="councils.membership",
            ),
        ),
        migrations.RunPython(attach_to_memberships, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="calendartoken",
            name="membership",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="councils.membership",
            ),
        ),
    ]

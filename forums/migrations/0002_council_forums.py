"""Give every existing council its private forum (new ones get it when created)."""

from django.db import migrations


def create_council_forums(apps, schema_editor):
    Council = apps.get_model("councils", "Council")
    Forum = apps.get_model("forums", "Forum")
    for council in Council.objects.filter(forum__isnull=True):
        Forum.objects.create(
            council=council,
            name="Forum du conseil",
            slug=f"conseil-{council.slug}"[:120],
            audience="members",
        )


class Migration(migrations.Migration):
    dependencies = [("forums", "0001_initial"), ("councils", "0005_labels_and_statuses")]

    operations = [migrations.RunPython(create_council_forums, migrations.RunPython.noop)]

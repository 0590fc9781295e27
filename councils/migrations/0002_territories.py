"""Load the regions and departments of France, overseas included."""

from django.db import migrations


def load_territories(apps, schema_editor):
    from councils.territories_data import DEPARTMENTS, REGIONS

    Region = apps.get_model("councils", "Region")
    Department = apps.get_model("councils", "Department")
    regions = {}
    for code, name in REGIONS:
        regions[code], _created = Region.objects.update_or_create(
            code=code, defaults={"name": name}
        )
    for code, name, region_code in DEPARTMENTS:
        Department.objects.update_or_create(
            code=code, defaults={"name": name, "region": regions[region_code]}
        )


class Migration(migrations.Migration):
    dependencies = [("councils", "0001_initial")]

    operations = [migrations.RunPython(load_territories, migrations.RunPython.noop)]

"""Accent-free search and sort keys for the directory; system events in the log."""

import re

from django.db import migrations, models
from django.utils.text import slugify

PREFIX = re.compile(
    r"^\s*conseils?\s+citoyens?\s+(?:de\s+la\s+|de\s+l['’]\s*|des\s+|du\s+|de\s+|d['’]\s*)?",
    re.IGNORECASE,
)


def fold(text):
    return slugify(text).replace("-", " ")


def fill_keys(apps, schema_editor):
    Council = apps.get_model("councils", "Council")
    for council in Council.objects.all():
        council.search_key = fold(f"{council.name} {council.neighbourhood_name} {council.town}")[:500]
        council.town_key = fold(council.town)[:120]
        council.sort_key = fold(PREFIX.sub("", council.name).strip() or council.name)[:120]
        council.save(update_fields=["search_key", "town_key", "sort_key"])
    MembershipEvent = apps.get_model("councils", "MembershipEvent")
    MembershipEvent.objects.filter(actor__isnull=True, action="created").update(by_system=True)


class Migration(migrations.Migration):

    dependencies = [
        ('auth', '0012_alter_user_first_name_max_length'),
        ('councils', '0003_council_updated_at'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='council',
            name='councils_co_status_61c49f_idx',
        ),
        migrations.RemoveIndex(
            model_name='council',
            name='councils_co_town_7defff_idx',
        ),
        migrations.AddField(
            model_name='council',
            name='search_key',
            field=models.CharField(blank=True, editable=False, max_length=500),
        ),
        migrations.AddField(
            model_name='council',
            name='sort_key',
            field=models.CharField(blank=True, editable=False, max_length=120),
        ),
        migrations.AddField(
            model_name='council',
            name='town_key',
            field=models.CharField(blank=True, editable=False, max_length=120),
        ),
        migrations.AddField(
            model_name='membershipevent',
            name='by_system',
            field=models.BooleanField(default=False),
        ),
        migrations.AlterField(
            model_name='council',
            name='neighbourhood_code',
            field=models.CharField(blank=True, help_text='Its official code, for example QP059012.', max_length=12, verbose_name='neighbourhood code'),
        ),
        migrations.AddIndex(
            model_name='council',
            index=models.Index(fields=['status', 'sort_key'], name='councils_co_status_809f5b_idx'),
        ),
        migrations.AddIndex(
            model_name='council',
            index=models.Index(fields=['town_key'], name='councils_co_town_ke_c91883_idx'),
        ),
        migrations.RunPython(fill_keys, migrations.RunPython.noop),
    ]

"""Create the showcase's editable pages with their first text (site_pages_data),
each with its first revision. A page that already exists is left as it is."""

from django.db import migrations
from django.utils import timezone

from common.markdown import render_markdown
from conseils.site_pages_data import PAGES


def create_pages(apps, schema_editor):
    SitePage = apps.get_model("conseils", "SitePage")
    SitePageRevision = apps.get_model("conseils", "SitePageRevision")
    now = timezone.now()
    for data in PAGES:
        if SitePage.objects.filter(slug=data.slug).exists():
            continue
        page = SitePage.objects.create(
            slug=data.slug,
            title=data.title,
            summary=data.summary,
            body=data.body,
            body_html=render_markdown(data.body),
            updated_at=now,
            version=1,
        )
        SitePageRevision.objects.create(
            page=page,
            number=1,
            title=data.title,
            summary=data.summary,
            body=data.body,
            change_summary="Première version",
            created_at=now,
        )


class Migration(migrations.Migration):
    dependencies = [("conseils", "0002_site_pages")]

    operations = [migrations.RunPython(create_pages, migrations.RunPython.noop)]

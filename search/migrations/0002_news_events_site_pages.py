"""GIN indexes of the news, the agenda and the editable site pages (see 0001)."""

from django.db import migrations

from search.indexes import Field, add_search_index, remove_search_index

TEXT = (Field("title", "A"), Field("summary", "B"), Field("body", "C"))

INDEXES = [
    ("news", "Article", "search_article_vector", TEXT),
    (
        "events",
        "Event",
        "search_event_vector",
        (Field("title", "A"), Field("place", "B"), Field("description", "C")),
    ),
    ("conseils", "SitePage", "search_sitepage_vector", TEXT),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app, model, name, fields in INDEXES:
        add_search_index(schema_editor, apps.get_model(app, model), name, fields)


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for app, model, name, fields in INDEXES:
        remove_search_index(schema_editor, apps.get_model(app, model), name, fields)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("search", "0001_postgres_search"),
        ("news", "0001_initial"),
        ("events", "0001_initial"),
        ("conseils", "0003_site_pages_content"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]

"""PostgreSQL full-text search: the ``unaccent`` extension, a French text
search configuration that ignores accents, and one GIN index per searched
table over exactly the vector the queries build (``search.indexes``).

Nothing happens on SQLite, where the search is a simple match. The indexes
are built concurrently, without locking writes: the migration is not atomic.
"""

from django.db import migrations

from search.indexes import Field, add_search_index, remove_search_index

CONFIG = "french_unaccent"

# (app, model, index name, fields): the fields of the model's own table, in
# the order and with the weights of the sources' fields (each app's search.py).
INDEXES = [
    (
        "councils",
        "Council",
        "search_council_vector",
        (
            Field("name", "A"),
            Field("town", "B"),
            Field("neighbourhood_name", "B"),
            Field("presentation", "C"),
        ),
    ),
    ("forums", "Topic", "search_topic_vector", (Field("title", "A"),)),
    ("forums", "Post", "search_post_vector", (Field("body", "C"),)),
    ("documents", "Document", "search_document_vector", (Field("name", "A", file_name=True),)),
    ("documents", "Page", "search_page_vector", (Field("title", "A"),)),
    ("documents", "PageRevision", "search_pagerevision_vector", (Field("body", "C"),)),
    (
        "documents",
        "Resource",
        "search_resource_vector",
        (
            Field("title", "A"),
            Field("description", "B"),
            Field("filename", "C", file_name=True),
        ),
    ),
]


def _postgresql(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def create(apps, schema_editor):
    if not _postgresql(schema_editor):
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    schema_editor.execute(
        f"""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = '{CONFIG}') THEN
                CREATE TEXT SEARCH CONFIGURATION {CONFIG} (COPY = french);
                ALTER TEXT SEARCH CONFIGURATION {CONFIG}
                    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
            END IF;
        END $$
        """
    )
    for app, model, name, fields in INDEXES:
        add_search_index(schema_editor, apps.get_model(app, model), name, fields)


def drop(apps, schema_editor):
    if not _postgresql(schema_editor):
        return
    for app, model, name, fields in INDEXES:
        remove_search_index(schema_editor, apps.get_model(app, model), name, fields)
    schema_editor.execute(f"DROP TEXT SEARCH CONFIGURATION IF EXISTS {CONFIG}")
    schema_editor.execute("DROP EXTENSION IF EXISTS unaccent")


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("councils", "0005_labels_and_statuses"),
        ("forums", "0003_forum_images"),
        ("documents", "0006_thumbnails"),
    ]

    operations = [migrations.RunPython(create, drop, elidable=False)]

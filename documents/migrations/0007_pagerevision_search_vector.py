"""The search vector of each page revision, stored (a generated column) and
indexed, as forums/migrations/0004 does for posts: a common word is no
longer matched and ranked by parsing every revision's text again. The GIN
index of the column replaces the expression index of search/migrations/0001.
NULL and nothing else on SQLite; not atomic (indexes built concurrently).
"""

import django.contrib.postgres.search
from django.db import migrations, models

import common.search_vector
from common.search_vector import Field, add_search_index, remove_search_index

OLD_INDEX = ("search_pagerevision_vector", (Field("body", "C"),))
INDEX = "documents_pagerevision_search_vector_gin"


def index_the_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    revision = apps.get_model("documents", "PageRevision")
    schema_editor.execute(
        f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{INDEX}" ON "{revision._meta.db_table}" '
        'USING gin ("search_vector")'
    )
    remove_search_index(schema_editor, revision, *OLD_INDEX)


def index_the_expression(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    add_search_index(schema_editor, apps.get_model("documents", "PageRevision"), *OLD_INDEX)
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("documents", "0006_thumbnails"),
        ("search", "0001_postgres_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="pagerevision",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=common.search_vector.StoredSearchVector("body:C"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.RunPython(index_the_column, index_the_expression, elidable=False),
    ]

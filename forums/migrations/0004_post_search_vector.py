"""The search vector of each post, stored (a generated column) and indexed.

Searching a common word used to parse the text of thousands of posts twice,
to match then to rank them, and the planner, which prices ``to_tsvector``
far below its cost, could prefer that to the expression index
(bench/README.md, search.py). PostgreSQL now keeps the vector in
``search_vector`` as the text changes; its GIN index replaces the expression
index of search/migrations/0001. The column uses the text search
configuration that migration creates. On SQLite the column is NULL and
nothing else happens.

Adding a stored generated column rewrites the table; the indexes are built
and dropped concurrently (the migration is not atomic).
"""

import django.contrib.postgres.search
from django.db import migrations, models

import common.search_vector
from common.search_vector import Field, add_search_index, remove_search_index

OLD_INDEX = ("search_post_vector", (Field("body", "C"),))
INDEX = "forums_post_search_vector_gin"


def index_the_column(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    post = apps.get_model("forums", "Post")
    schema_editor.execute(
        f'CREATE INDEX CONCURRENTLY IF NOT EXISTS "{INDEX}" ON "{post._meta.db_table}" '
        'USING gin ("search_vector")'
    )
    remove_search_index(schema_editor, post, *OLD_INDEX)


def index_the_expression(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    add_search_index(schema_editor, apps.get_model("forums", "Post"), *OLD_INDEX)
    schema_editor.execute(f'DROP INDEX CONCURRENTLY IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("forums", "0003_forum_images"),
        ("search", "0001_postgres_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="post",
            name="search_vector",
            field=models.GeneratedField(
                db_persist=True,
                expression=common.search_vector.StoredSearchVector("body:C"),
                output_field=django.contrib.postgres.search.SearchVectorField(),
            ),
        ),
        migrations.RunPython(index_the_column, index_the_expression, elidable=False),
    ]

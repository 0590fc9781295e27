"""The search vector of each page revision, stored and indexed, as
forums/migrations/0004 does for posts: a common word is no longer matched
and ranked by parsing every revision's text again. A trigger keeps the
column; its GIN index replaces the expression index of
search/migrations/0001. NULL and nothing else on SQLite; not atomic (indexes
built concurrently).
"""

from django.db import migrations

import common.search_vector
from common.search_vector import (
    Field,
    add_search_index,
    create_vector_trigger,
    drop_vector_trigger,
    remove_search_index,
)

OLD_INDEX = ("search_pagerevision_vector", (Field("body", "C"),))
INDEX = "documents_pagerevision_search_vector_gin"


def keep_the_vector(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("documents", "PageRevision")
    create_vector_trigger(schema_editor, model, INDEX)
    remove_search_index(schema_editor, model, *OLD_INDEX)


def index_the_expression(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    model = apps.get_model("documents", "PageRevision")
    add_search_index(schema_editor, model, *OLD_INDEX)
    drop_vector_trigger(schema_editor, model, INDEX)


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
            field=common.search_vector.StoredSearchVectorField(specs=("body:C",)),
        ),
        migrations.RunPython(keep_the_vector, index_the_expression, elidable=False),
    ]

"""The search vector of each page revision, stored and indexed, as
forums/migrations/0004 does for posts: a common word is no longer matched
and ranked by parsing every revision's text again. A trigger keeps the
column; its GIN index replaces the expression index of
search/migrations/0001. NULL and nothing else on SQLite; not atomic (indexes
built concurrently).
"""

from django.db import migrations

import common.search_vector
from common.search_vector import Field, store_search_vector

OLD_INDEX = ("search_pagerevision_vector", (Field("body", "C"),))


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
        store_search_vector("documents", "PageRevision", "documents_pagerevision_search_vector_gin", OLD_INDEX),
    ]

"""The search vector of each post, stored and indexed.

Searching a common word used to parse the text of thousands of posts twice,
to match then to rank them, and the planner, which prices ``to_tsvector``
far below its cost, could prefer that to the expression index
(bench/README.md, search.py). On PostgreSQL a trigger now keeps the vector
in ``search_vector`` as the text changes, and fills it for the posts already
there; its GIN index replaces the expression index of search/migrations/0001.
The trigger uses the text search configuration that migration creates. On
SQLite the column stays NULL and nothing else happens.

Not atomic: the indexes are built and dropped concurrently.
"""

from django.db import migrations

import common.search_vector
from common.search_vector import Field, store_search_vector

OLD_INDEX = ("search_post_vector", (Field("body", "C"),))


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
            field=common.search_vector.StoredSearchVectorField(specs=("body:C",)),
        ),
        store_search_vector("forums", "Post", "forums_post_search_vector_gin", OLD_INDEX),
    ]

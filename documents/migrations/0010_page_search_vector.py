"""The search vector of each page's title, stored and indexed, as 0007 does
for revisions: the search walks the most recent pages and tests each one's
vector as it goes; computed from the title, the planner had to choose
between parsing the titles of thousands of pages and reading the whole
table. Its GIN index replaces the expression index of
search/migrations/0001. NULL and nothing else on SQLite; not atomic
(indexes built concurrently).
"""

from django.db import migrations

import common.search_vector
from common.search_vector import Field, store_search_vector

OLD_INDEX = ("search_page_vector", (Field("title", "A"),))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("documents", "0009_page_updated_index"),
        ("search", "0001_postgres_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="page",
            name="search_vector",
            field=common.search_vector.StoredSearchVectorField(specs=("title:A",)),
        ),
        store_search_vector("documents", "Page", "documents_page_search_vector_gin", OLD_INDEX),
    ]

"""The search vector of each council, stored and indexed, as
forums/migrations/0004 does for posts. "conseil" is in every council's name
and presentation: the search matched, counted and ranked them by parsing
all their texts again (about 250 ms of a 400 ms search over 1,000
councils). A trigger keeps the column; its GIN index replaces the
expression index of search/migrations/0001. NULL and nothing else on
SQLite; not atomic (indexes built concurrently).
"""

from django.db import migrations

import common.search_vector
from common.search_vector import Field, store_search_vector

OLD_INDEX = (
    "search_council_vector",
    (
        Field("name", "A"),
        Field("town", "B"),
        Field("neighbourhood_name", "B"),
        Field("presentation", "C"),
    ),
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("councils", "0005_labels_and_statuses"),
        ("search", "0001_postgres_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="council",
            name="search_vector",
            field=common.search_vector.StoredSearchVectorField(
                specs=("name:A", "town:B", "neighbourhood_name:B", "presentation:C")
            ),
        ),
        store_search_vector("councils", "Council", "councils_council_search_vector_gin", OLD_INDEX),
    ]

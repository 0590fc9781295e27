"""The search vector of each topic's title, stored and indexed, as 0004 does
for posts: a search ranks up to 500 posts of a common word, and read the
title of each one's topic again through ``to_tsvector`` to do it; the match
of the titles goes through the column's GIN index, which replaces the
expression index of search/migrations/0001. NULL and nothing else on
SQLite; not atomic (indexes built concurrently).
"""

from django.db import migrations

import common.search_vector
from common.search_vector import Field, store_search_vector

OLD_INDEX = ("search_topic_vector", (Field("title", "A"),))


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("forums", "0007_post_page_covering_index"),
        ("search", "0001_postgres_search"),
    ]

    operations = [
        migrations.AddField(
            model_name="topic",
            name="search_vector",
            field=common.search_vector.StoredSearchVectorField(specs=("title:A",)),
        ),
        store_search_vector("forums", "Topic", "forums_topic_search_vector_gin", OLD_INDEX),
    ]

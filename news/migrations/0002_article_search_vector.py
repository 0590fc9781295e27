"""The search vector of each article, stored and indexed, as
forums/migrations/0004 does for posts: the search walks the most recent
articles and tests each one's vector as it goes, and ranks them, without
parsing their texts again. Its GIN index replaces the expression index of
search/migrations/0002. NULL and nothing else on SQLite; not atomic
(indexes built concurrently).
"""

from django.db import migrations

import common.search_vector
from common.search_vector import Field, store_search_vector

OLD_INDEX = (
    "search_article_vector",
    (Field("title", "A"), Field("summary", "B"), Field("body", "C")),
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("news", "0001_initial"),
        ("search", "0002_news_events_site_pages"),
    ]

    operations = [
        migrations.AddField(
            model_name="article",
            name="search_vector",
            field=common.search_vector.StoredSearchVectorField(
                specs=("title:A", "summary:B", "body:C")
            ),
        ),
        store_search_vector("news", "Article", "news_article_search_vector_gin", OLD_INDEX),
    ]

"""The search vector of each event, stored and indexed, as news/0002 does
for articles (see there). NULL and nothing else on SQLite; not atomic
(indexes built concurrently).
"""

from django.db import migrations

import common.search_vector
from common.search_vector import Field, store_search_vector

OLD_INDEX = (
    "search_event_vector",
    (Field("title", "A"), Field("place", "B"), Field("description", "C")),
)


class Migration(migrations.Migration):
    atomic = False

    dependencies = [
        ("events", "0002_calendar_token_membership"),
        ("search", "0002_news_events_site_pages"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="search_vector",
            field=common.search_vector.StoredSearchVectorField(
                specs=("title:A", "place:B", "description:C")
            ),
        ),
        store_search_vector("events", "Event", "events_event_search_vector_gin", OLD_INDEX),
    ]

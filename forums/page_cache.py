"""What the forums' public pages show, for the anonymous page cache
(``common.page_cache``), and the writes that make them change.

The tags:

- ``FORUMS``: every forum page at once. What all of them show and changes
  rarely: the forums' names, addresses and audiences (a forum closed to
  visitors must never be served from the cache again), and people's names
  (``accounts.page_cache.PEOPLE``, on the pages too).
- ``topic:<id>``: a topic's pages (its posts, their reactions, its counts,
  its lock, its forum).
- ``forum:<slug>``: a forum's list of topics.
- ``ACTIVITY``: where the latest activity of all forums shows (the forums'
  index, the home page).

No write is trusted to remember: every save and delete of a forum, topic,
post or reaction (signals), and every ``update()`` of their querysets (the
services' counters and moderation write that way), says what it changed.
"""

from __future__ import annotations

from django.db import models
from django.db.models.signals import post_delete, post_save

from accounts.page_cache import PEOPLE
from common.page_cache import changed

FORUMS = "forums"
ACTIVITY = "forums:activity"
# The columns a forum's counters change: its list and the index show them,
# the topics' pages do not.
_FORUM_COUNTERS = {"topic_count", "post_count", "last_post_at"}


def topic_tag(pk) -> str:
    return f"topic:{pk}"


def forum_tag(slug: str) -> str:
    return f"forum:{slug}"


# What each page shows (its view's ``@anonymous_page``).


def index_page() -> list[str]:
    return [FORUMS, ACTIVITY, PEOPLE]


def forum_page(slug: str) -> list[str]:
    return [FORUMS, PEOPLE, forum_tag(slug)]


def topic_page(pk: int) -> list[str]:
    return [FORUMS, PEOPLE, topic_tag(pk)]


# What changes them.


def _topics_changed(pairs) -> None:
    """``pairs``: (topic id, its forum's slug)."""
    tags = {ACTIVITY}
    for topic_id, slug in pairs:
        tags.add(topic_tag(topic_id))
        tags.add(forum_tag(slug))
    changed(*tags)


def _slug_of_forum(forum) -> str:
    from .models import Forum

    if isinstance(forum, Forum):
        return forum.slug
    return Forum.objects.values_list("slug", flat=True).get(pk=forum)


class ForumQuerySet(models.QuerySet):
    def update(self, **kwargs):
        slugs = list(self.values_list("slug", flat=True))
        count = super().update(**kwargs)
        tags = [ACTIVITY, *(forum_tag(slug) for slug in slugs)]
        if not set(kwargs) <= _FORUM_COUNTERS:
            tags.append(FORUMS)  # a name, an address, an audience
        changed(*tags)
        return count


class TopicQuerySet(models.QuerySet):
    def update(self, **kwargs):
        pairs = list(self.values_list("pk", "forum__slug"))
        count = super().update(**kwargs)
        if "forum" in kwargs or "forum_id" in kwargs:
            # Moved: the forum it joins lists it too.
            slug = _slug_of_forum(kwargs.get("forum", kwargs.get("forum_id")))
            pairs += [(pk, slug) for pk, _old in pairs]
        _topics_changed(pairs)
        return count


class PostQuerySetChanges(models.QuerySet):
    def update(self, **kwargs):
        pairs = list(self.values_list("topic_id", "topic__forum__slug").distinct())
        count = super().update(**kwargs)
        _topics_changed(pairs)
        return count


def _forum_saved(sender, instance, **kwargs) -> None:
    changed(FORUMS, ACTIVITY, forum_tag(instance.slug))


def _loaded(instance, relation: str, pk):
    """The related object already on ``instance`` (the services pass the
    topic and its forum along), if it is the one of ``pk``: no query."""
    field = instance._meta.get_field(relation)
    related = field.get_cached_value(instance, None) if field.is_cached(instance) else None
    return related if related is not None and related.pk == pk else None


def _forum_slug(topic) -> str | None:
    from .models import Forum

    forum = _loaded(topic, "forum", topic.forum_id)
    if forum is not None:
        return forum.slug
    return Forum.objects.filter(pk=topic.forum_id).values_list("slug", flat=True).first()


def _topic_saved(sender, instance, **kwargs) -> None:
    slug = _forum_slug(instance)
    changed(ACTIVITY, topic_tag(instance.pk), *([forum_tag(slug)] if slug else []))


def _post_saved(sender, instance, **kwargs) -> None:
    from .models import Topic

    if kwargs.get("created") is None:
        # Deleted: the service that deletes a post updates its forum's
        # counters (which tells the forum's page); a cascade (a topic, a
        # forum deleted) tells the rest. No query per row here.
        changed(ACTIVITY, topic_tag(instance.topic_id))
        return
    topic = _loaded(instance, "topic", instance.topic_id)
    if topic is not None:
        _topics_changed([(topic.pk, _forum_slug(topic) or "")])
        return
    pairs = list(Topic.objects.filter(pk=instance.topic_id).values_list("pk", "forum__slug"))
    _topics_changed(pairs or [(instance.topic_id, "")])


def _reaction_saved(sender, instance, **kwargs) -> None:
    from .models import Post

    post = _loaded(instance, "post", instance.post_id)
    topic_id = (
        post.topic_id
        if post is not None
        else Post.objects.filter(pk=instance.post_id).values_list("topic_id", flat=True).first()
    )
    if topic_id is not None:
        changed(topic_tag(topic_id))


def connect() -> None:
    from .models import Forum, Post, Reaction, Topic

    for model, receiver in (
        (Forum, _forum_saved),
        (Topic, _topic_saved),
        (Post, _post_saved),
        (Reaction, _reaction_saved),
    ):
        uid = f"forums.page_cache.{model.__name__}"
        post_save.connect(receiver, sender=model, dispatch_uid=uid + ".save")
        post_delete.connect(receiver, sender=model, dispatch_uid=uid + ".delete")

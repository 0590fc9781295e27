"""What the site search finds in the forums: the published, visible posts of
the forums the user may read (registered in ``search.registry`` from
``apps.py``)."""

from __future__ import annotations

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext_lazy as _

from search.registry import Field, SearchSource

from . import selectors
from .models import Post, Topic


def _posts(user) -> QuerySet[Post]:
    # The forums' own rules: forums by audience and the user's councils'
    # (their keys read first, see ``selectors.readable_forum_ids``),
    # published posts only, hidden ones left out.
    return (
        Post.objects.visible()
        .filter(topic__forum__in=selectors.readable_forum_ids(user))
        .select_related("topic__forum__council")
        .defer("body_html")
    )


def _topics(user) -> QuerySet[Topic]:
    return Topic.objects.filter(forum__in=selectors.readable_forum_ids(user))


def _first_posts(topics: QuerySet[Topic]) -> Q:
    """A topic whose title matches is found once: at its first visible post."""
    first = (
        Post.objects.visible()
        .filter(topic=OuterRef("pk"))
        .order_by("created_at", "pk")
        .values("pk")[:1]
    )
    return Q(pk__in=topics.annotate(first_post=Subquery(first)).values("first_post"))


def _post_private_council(post: Post):
    return post.topic.forum.council


DISCUSSIONS = SearchSource(
    key="discussions",
    label=_("Discussions"),
    order=20,
    queryset=_posts,
    fields=(Field("topic__title", "A"), Field("body", "C")),
    related_match={"topic": _first_posts},
    related_readable={"topic": _topics},
    title="topic__title",
    date="created_at",
    snippet="body",
    url=lambda post: post.get_absolute_url(),
    context=lambda post: post.topic.forum.name,
    private_council=_post_private_council,
)

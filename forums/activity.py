"""The forum's place in a council's private space: a quick link and the
latest messages in the recent activity."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from accounts.names import public_name
from councils.registry import ActivityItem, ActivitySource, SpaceLink

from .models import Post


def _forum_url(council) -> str:
    # By the council's address: no query while the space page renders.
    return reverse("forums:council_forum", kwargs={"slug": council.slug})


def latest_posts(council, viewer, limit: int) -> list[ActivityItem]:
    """The council's newest published messages. The space view has checked
    that ``viewer`` is a member; hidden messages are left out."""
    posts = (
        Post.objects.visible()
        .filter(topic__forum__council=council)
        .select_related("topic", "author")
        .order_by("-created_at")[:limit]
    )
    return [
        ActivityItem(
            when=post.created_at,
            text=str(_("%(name)s wrote in “%(topic)s”"))
            % {
                "name": public_name(post.author),
                "topic": post.topic.title,
            },
            url=post.get_absolute_url(),
        )
        for post in posts
    ]


FORUM_LINK = SpaceLink(key="forum", order=10, label=_("The council's forum"), url=_forum_url)
FORUM_ACTIVITY = ActivitySource(key="forum", items=latest_posts)

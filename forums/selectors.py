"""Reads for the forum pages, each with a fixed number of queries."""

from __future__ import annotations

import re
from collections import Counter

from django.db.models import (
    Exists,
    F,
    Func,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Subquery,
)
from django.db.models.functions import Coalesce

from accounts.models import User

from . import permissions
from .models import (
    Category,
    Forum,
    ModerationAction,
    Post,
    Reaction,
    Report,
    Subscription,
    Topic,
    TopicReadState,
)

TOPICS_PER_PAGE = 25
POSTS_PER_PAGE = 20


def index(*, user) -> dict:
    """National forums by category, then the user's councils' forums."""
    forums = list(
        permissions.forums_visible_to(user)
        .select_related("category", "council")
        .order_by("category__position", "category__name", "position", "name")
    )
    categories: dict[Category | None, list[Forum]] = {}
    council_forums = []
    for forum in forums:
        if forum.council_id:
            council_forums.append(forum)
        else:
            categories.setdefault(forum.category, []).append(forum)
    return {"categories": list(categories.items()), "council_forums": council_forums}


def public_topics() -> QuerySet[Topic]:
    """Topics anyone may read, without an account: those of the forums open
    to everyone, leaving out the ones whose only message waits for approval."""
    from django.contrib.auth.models import AnonymousUser

    return Topic.objects.filter(
        forum__in=permissions.forums_visible_to(AnonymousUser()), post_count__gt=0
    )


def topics_of(forum: Forum, *, user) -> QuerySet[Topic]:
    """A forum's topics, pinned first, with what the list shows; topics whose
    only message waits for approval are shown to their author and moderators."""
    topics = forum.topics.select_related("author")
    if not permissions.can_moderate(user, forum):
        visible = Q(post_count__gt=0)
        if user.is_authenticated:
            visible |= Q(author=user)
        topics = topics.filter(visible)
    if user.is_authenticated:
        read = TopicReadState.objects.filter(user=user, topic=OuterRef("pk"))
        topics = topics.annotate(
            is_unread=~Exists(read.filter(read_until__gte=OuterRef("last_post_at")))
        )
    return topics.order_by("-is_pinned", "-last_post_at", "-pk")


def posts_of(topic: Topic, *, user) -> QuerySet[Post]:
    """The posts a reader sees: published ones, plus their own and, for
    moderators, those waiting for approval."""
    posts = topic.posts.all()
    if not permissions.can_moderate(user, topic.forum):
        visible = Q(status=Post.Status.PUBLISHED)
        if user.is_authenticated:
            visible |= Q(author=user)
        posts = posts.filter(visible)
    # The authors in a query of their own rather than joined: with a join,
    # a far page (OFFSET 1980) was planned as a merge over the whole accounts
    # index (183 ms among 100,000 accounts, bench/scale.py), against 0.2 ms
    # for the posts alone and their 20 authors by key.
    posts = posts.prefetch_related(
        Prefetch("author", queryset=User.objects.defer("password", "bio")),
        Prefetch("reactions", queryset=Reaction.objects.only("post_id", "kind", "user_id")),
    )
    # What a page of posts never shows: the text's source (the HTML is shown)
    # and its search vector.
    posts = posts.defer("body", "search_vector", "submission_key")
    return posts.order_by("created_at", "pk")


def posts_on(page) -> list[Post]:
    """The posts of one page of a ``Paginator`` over ``posts_of``: its keys
    first, read from the index of the topic's order alone (on PostgreSQL, an
    index-only scan, 0.4 ms for page 100 of 2,000 posts), then those rows.
    An offset over the rows themselves read and sorted the whole topic for a
    far page (5.8 ms for page 100, against 0.2 ms for page 1)."""
    posts = page.paginator.object_list
    size = page.paginator.per_page
    start = (page.number - 1) * size
    return list(posts.filter(pk__in=posts.values("pk")[start : start + size]))


def posts_after(topic: Topic, posts: list[Post], *, user) -> bool:
    """Whether the reader sees any post after the last of ``posts`` (one
    seek in the (topic, created_at, id) index): the check that the page
    the stored count says is not the last really is not."""
    if not posts:
        return False
    last = posts[-1]
    later = Q(created_at__gt=last.created_at) | Q(created_at=last.created_at, pk__gt=last.pk)
    return posts_of(topic, user=user).filter(later).exists()


def count_posts_of(topic: Topic, *, user, moderates: bool) -> int:
    """How many posts ``posts_of`` gives, from the topic's stored count of
    published posts plus the pending ones the reader sees (their own, or all
    for a moderator): no ``COUNT(*)`` over a long topic."""
    if not user.is_authenticated:
        return topic.post_count
    known = getattr(topic, "pending_all" if moderates else "pending_own", None)
    if known is not None:
        return topic.post_count + known
    pending = topic.posts.filter(status=Post.Status.PENDING)
    if not moderates:
        pending = pending.filter(author=user)
    return topic.post_count + pending.count()


def post_position(post: Post, *, user) -> int:
    """The 1-based place of ``post`` among what ``user`` sees of its topic."""
    return (
        posts_of(post.topic, user=user)
        .filter(Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lte=post.pk))
        .count()
    )


def first_unread(topic: Topic, *, user) -> Post | None:
    state = TopicReadState.objects.filter(user=user, topic=topic).first()
    posts = posts_of(topic, user=user)
    if state is not None:
        posts = posts.filter(created_at__gt=state.read_until)
    return posts.first()


def is_following(*, user, topic: Topic | None = None, forum: Forum | None = None) -> bool:
    if not user.is_authenticated:
        return False
    target = {"topic": topic} if topic is not None else {"forum": forum}
    return Subscription.objects.filter(user=user, **target).exists()


def open_reports(*, user) -> QuerySet[Report]:
    return (
        Report.objects.filter(
            status=Report.Status.OPEN, post__topic__forum__in=permissions.moderated_forums(user)
        )
        .select_related("post__topic__forum", "post__author", "reporter")
        .order_by("created_at")
    )


def pending_posts(*, user) -> QuerySet[Post]:
    return (
        Post.objects.filter(
            status=Post.Status.PENDING,
            is_hidden=False,
            topic__forum__in=permissions.moderated_forums(user),
        )
        .select_related("topic__forum", "author")
        .order_by("created_at")
    )


def search(*, user, query: str) -> QuerySet[Post]:
    """Published, visible posts the user may read whose text or topic title
    contains every word (until site search exists)."""
    posts = Post.objects.visible().filter(topic__forum__in=permissions.forums_visible_to(user))
    for word in query.split()[:8]:
        posts = posts.filter(Q(body__icontains=word) | Q(topic__title__icontains=word))
    return posts.select_related("topic__forum", "author").order_by("-created_at")


def readable_forum_ids(user) -> list[int]:
    """The keys of the forums ``user`` may read (``permissions.forums_visible_to``),
    read now: a query naming them lets the planner see how many topics they
    hold (the three national forums hold most of them), where a subquery is
    priced as an average forum."""
    return list(permissions.forums_visible_to(user).values_list("pk", flat=True))


def moderation_log(*, user) -> QuerySet[ModerationAction]:
    return ModerationAction.objects.filter(
        forum__in=permissions.moderated_forums(user)
    ).select_related("actor", "topic", "post__topic", "forum")


def with_following(topics: QuerySet[Topic], user) -> QuerySet[Topic]:
    """Annotate ``is_followed`` for ``user`` (no extra query on the topic page)."""
    if not user.is_authenticated:
        return topics
    return topics.annotate(
        is_followed=Exists(Subscription.objects.filter(user=user, topic=OuterRef("pk")))
    )


def with_pending_counts(topics: QuerySet[Topic], user) -> QuerySet[Topic]:
    """Annotate how many posts wait for approval in each topic, all of them
    (``pending_all``, what a moderator sees) and the reader's own
    (``pending_own``): ``count_posts_of`` then needs no query of its own.
    The partial index of pending posts answers both."""
    if not user.is_authenticated:
        return topics
    pending = Post.objects.filter(topic=OuterRef("pk"), status=Post.Status.PENDING).order_by()
    return topics.annotate(
        pending_all=_count_of(pending),
        pending_own=_count_of(pending.filter(author=user)),
    )


def _count_of(posts: QuerySet[Post]) -> Subquery:
    counted = posts.annotate(total=Func(F("pk"), function="COUNT")).values("total")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def with_read_marker(topics: QuerySet[Topic], user) -> QuerySet[Topic]:
    """Annotate ``read_until``, how far ``user`` has read (no write when the
    end of a topic is read again)."""
    if not user.is_authenticated:
        return topics
    return topics.annotate(
        read_until=Subquery(
            TopicReadState.objects.filter(user=user, topic=OuterRef("pk")).values("read_until")[:1]
        )
    )


MAX_MENTIONS = 20
# The word written after an @ (not one inside an e-mail address): "@Fatou,"
# gives "fatou", "@Jean-Pierre" "jean-pierre".
MENTIONED_WORD = re.compile(r"(?<![\w.])@([^\W\d_][\w'’-]*)")


def mentioned_users(post: Post) -> list[User]:
    """People named in the post among those who take part (the topic's
    authors and, in a council's forum, the council's members): ``@`` and
    their whole name, or only their first name when nobody else taking part
    has it (``@Fatou`` for Fatou Diallo; ``@Awa`` for no one when two Awa
    take part). Whether each may read the topic is for the caller to ask."""
    from accounts.models import User

    text = post.body.lower()
    if "@" not in text:
        return []
    topic = post.topic
    candidates = User.objects.filter(is_active=True).exclude(pk=post.author_id)
    taking_part = Q(forum_posts__topic=topic)
    if topic.forum.council_id:
        taking_part |= Q(council_memberships__council_id=topic.forum.council_id)
    people = [user for user in candidates.filter(taking_part).distinct() if user.display_name]
    words_after_at = {match.group(1) for match in MENTIONED_WORD.finditer(text)}
    first_names = Counter(user.display_name.lower().split()[0] for user in people)
    mentioned = []
    for user in people:
        name = user.display_name.lower()
        first_name = name.split()[0]
        if f"@{name}" in text or (first_name in words_after_at and first_names[first_name] == 1):
            mentioned.append(user)
    return mentioned[:MAX_MENTIONS]

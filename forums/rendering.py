"""The posts of a topic page, rendered once for everyone and once per reader.

A post's head (its author's name, its date, "edited", "waiting for
approval") reads the same for every reader who may see the post, except the
link on the author's name (``accounts.permissions.can_view_public_profile``).
It is rendered once and kept in Django's cache under a key made of every
value it shows: the post, its status and dates, its author's name, whether
their profile is published and active, whether this reader gets the link, the
language, the time zone and the template's own text. Any change to one of them
(an edit, a renamed or deleted account, a published profile, an approval)
gives a new key, so a stale head is never served, and nothing depends on
remembering to invalidate. If the cache is down, the head is rendered again.

Everything that depends on who reads stays out of the cache: the text of a
hidden post and its reason, the avatar (its URL may be signed for a few
minutes), the reactions and the reader's buttons. Those are decided here from
a ``permissions.TopicReader``, which reads the per-page facts once.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import lru_cache

from django.core.cache import cache
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from accounts.permissions import can_view_public_profile

from .models import Post, Reaction
from .permissions import TopicReader

HEAD_TEMPLATE = "forums/_post_head.html"
# A head is rebuilt from the post at any time: a week keeps the topics people
# read without filling the cache with the rest.
HEAD_TIMEOUT = 7 * 24 * 3600
_PK_PLACEHOLDER = 2_147_483_647


@dataclass
class ReactionButton:
    kind: str
    label: str
    count: int
    mine: bool


@dataclass
class PostItem:
    """One post of the page, as this reader sees it."""

    post: Post
    head: SafeString
    avatar_url: str = ""
    reactions: list[ReactionButton] = field(default_factory=list)
    react: bool = False
    quote: bool = False
    edit: bool = False
    delete: bool = False
    report: bool = False
    history: bool = False
    hidden_reason: bool = False
    hidden_text: bool = False
    urls: dict[str, str] = field(default_factory=dict)


@lru_cache(maxsize=1)
def _head_template():
    template = get_template(HEAD_TEMPLATE).template
    # A change of the template's text gives new keys (no stale markup after a deploy).
    digest = hashlib.blake2b(template.source.encode(), digest_size=8).hexdigest()
    return template, digest


def head_key(post: Post, *, link: bool) -> str:
    """The cache key of ``post``'s head: every value the head shows."""
    _template, template_digest = _head_template()
    author = post.author
    parts = (
        post.pk,
        post.topic_id,
        post.status,
        post.created_at.isoformat(),
        post.edited_at.isoformat() if post.edited_at else "",
        author.pk if author is not None else None,
        author.display_name if author is not None else "",
        author.is_active if author is not None else None,
        link,
        get_language(),
        get_current_timezone_name(),
        template_digest,
    )
    digest = hashlib.blake2b(repr(parts).encode(), digest_size=16).hexdigest()
    return f"forums:post-head:{post.pk}:{digest}"


def _author_link(viewer, post: Post) -> bool:
    author = post.author
    return author is not None and bool(author.pk) and can_view_public_profile(viewer, author)


def _render_head(post: Post, *, link: bool) -> str:
    template, _digest = _head_template()
    author = post.author
    return template.render(
        Context(
            {
                "post": post,
                "post_url": post.get_absolute_url(),
                "author_url": author.get_absolute_url() if link else "",
            },
            autoescape=True,
        )
    )


def post_heads(posts: list[Post], *, viewer) -> dict[int, SafeString]:
    """Each post's head, from the cache (one round trip) or rendered and kept."""
    keys = {post.pk: head_key(post, link=_author_link(viewer, post)) for post in posts}
    found = cache.get_many(list(keys.values())) if keys else {}
    missing = {}
    heads = {}
    for post in posts:
        key = keys[post.pk]
        head = found.get(key)
        if not isinstance(head, str):
            head = _render_head(post, link=_author_link(viewer, post))
            missing[key] = head
        heads[post.pk] = mark_safe(head)  # noqa: S308 (rendered by an autoescaping template)
    if missing:
        cache.set_many(missing, HEAD_TIMEOUT)
    return heads


def _url_maker(name: str):
    """``reverse(name, pk=…)`` once per page instead of once per post."""
    head, tail = reverse(name, kwargs={"pk": _PK_PLACEHOLDER}).split(str(_PK_PLACEHOLDER))
    return lambda pk: f"{head}{pk}{tail}"


def _reactions(post: Post, user) -> list[ReactionButton]:
    reactions = post.reactions.all()
    return [
        ReactionButton(
            kind,
            label,
            sum(1 for reaction in reactions if reaction.kind == kind),
            user.is_authenticated
            and any(r.kind == kind and r.user_id == user.pk for r in reactions),
        )
        for kind, label in Reaction.Kind.choices
    ]


def post_items(
    posts: list[Post], *, reader: TopicReader, first_post_id: int | None
) -> list[PostItem]:
    """What the page shows of each post to ``reader``: the cached head, then
    the reader's own part, decided by ``reader`` (per page once, per post
    only what is the post's)."""
    user = reader.user
    heads = post_heads(posts, viewer=user)
    urls = {
        name: _url_maker(f"forums:{name}")
        for name in (
            "post_react",
            "post_edit",
            "post_delete",
            "post_report",
            "post_history",
            "post_hide",
            "post_unhide",
            "post_approve",
        )
    }
    first_with_replies = reader.topic.post_count > 1
    items = []
    for post in posts:
        author = post.author
        item = PostItem(
            post=post,
            head=heads[post.pk],
            avatar_url=author.avatar.url
            if author is not None and author.avatar and author.publish_avatar
            else "",
            reactions=_reactions(post, user),
            react=reader.can_react(post),
            quote=reader.can_quote(post),
            edit=reader.can_edit_post(post),
            delete=reader.can_delete_post(post)
            and not (post.pk == first_post_id and first_with_replies),
            report=reader.can_report(post),
            history=reader.can_see_history(post) and post.edited_at is not None,
            hidden_reason=post.is_hidden and reader.can_see_hidden_reason(post),
            hidden_text=post.is_hidden and reader.can_read_hidden_text(post),
        )
        wanted = {
            "post_react": item.react,
            "post_edit": item.edit,
            "post_delete": item.delete,
            "post_report": item.report,
            "post_history": item.history,
            "post_hide": reader.moderates and not post.is_hidden,
            "post_unhide": reader.moderates and post.is_hidden,
            "post_approve": reader.moderates and not post.is_published,
        }
        item.urls = {name: urls[name](post.pk) for name, shown in wanted.items() if shown}
        items.append(item)
    return items

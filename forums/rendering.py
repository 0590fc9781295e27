"""The posts of a topic page, rendered once and kept in Django's cache.

Two levels, both keyed by every value they show, so that any change (an
edit, an approval, a renamed, unpublished or deleted account, a reaction, the
reader's rights) gives a new key: a stale fragment is never served and
nothing depends on remembering to invalidate. If the cache is down, the
fragments are rendered again: the cache only saves time.

- A post's head (its author's name, its date, "edited", "waiting for
  approval") reads the same for every reader who may see the post, except
  the link on the author's name (``accounts.permissions
  .can_view_public_profile``), which is part of the key.
- A published, visible post's whole ``<li>`` for one set of reader's rights:
  the key holds what this reader may do with it (react, quote, edit, delete,
  report, see the history, moderate), which reactions are theirs, the counts
  and the page number of the quote link. The CSRF token and the avatar's URL
  (signed for a few minutes on S3) are never kept: the fragment is stored in
  pieces around them, split at markers drawn at random for each rendering
  (which a post's text cannot contain), and filled in for each request.

Hidden posts and posts waiting for approval are never kept whole: what they
show (the hidden text, the reason, the approval form) depends on who reads,
so they are rendered for each request. The rights come from a
``permissions.TopicReader``, which reads the per-page facts once.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass, field
from functools import lru_cache

import django
from django.conf import settings
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.template import Context
from django.template.loader import get_template
from django.urls import reverse
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import get_current_timezone_name
from django.utils.translation import get_language

from accounts.permissions import can_view_public_profile

from .models import Post, Reaction
from .permissions import TopicReader

HEAD_TEMPLATE = "forums/_post_head.html"
POST_TEMPLATE = "forums/_post.html"
# A head or a post is rebuilt from the database at any time: a day keeps the
# topics people read, while the versions an edit or a new count left behind
# (keys follow the content, nothing deletes them) expire soon.
HEAD_TIMEOUT = 24 * 3600
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
    head: str = ""
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


def _load(name: str):
    template = get_template(name).template
    # A change of the template's text gives new keys (no stale markup after a deploy).
    digest = hashlib.blake2b(template.source.encode(), digest_size=8).hexdigest()
    return template, digest


_load_once = lru_cache(maxsize=4)(_load)


def _template(name: str):
    """The template and its digest, read once per process in production; under
    ``make run`` (DEBUG) each time, so that an edited template shows at once."""
    return _load(name) if settings.DEBUG else _load_once(name)


@lru_cache(maxsize=1)
def _release() -> str:
    """What the code, templates and translations of this deployment are,
    read once per process: a deployment that changes a label, a link or a
    translation shown in a post makes new keys instead of serving the
    previous HTML. (The templates' own digest is in each key too: under
    ``make run`` an edited template shows without a restart.)"""
    base = settings.BASE_DIR
    skipped = {".venv", "node_modules", "media", "staticfiles", "tmp", ".git", "tests", "bench"}
    folders = [entry for entry in base.iterdir() if entry.is_dir() and entry.name not in skipped]
    stamps = []
    for path in sorted(path for folder in folders for path in folder.rglob("*")):
        if path.suffix in (".py", ".html", ".mo"):
            status = path.stat()
            stamps.append((str(path.relative_to(base)), status.st_size, status.st_mtime_ns))
    return hashlib.blake2b(repr(stamps).encode(), digest_size=16).hexdigest()


def _digest(parts: tuple) -> str:
    return hashlib.blake2b(repr((_release(), parts)).encode(), digest_size=16).hexdigest()


def head_key(post: Post, *, link: bool) -> str:
    """The cache key of ``post``'s head: every value the head shows."""
    _head, template_digest = _template(HEAD_TEMPLATE)
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
    return f"forums:post-head:{post.pk}:{_digest(parts)}"


def _author_link(viewer, post: Post) -> bool:
    author = post.author
    return author is not None and bool(author.pk) and can_view_public_profile(viewer, author)


def _render_head(post: Post, *, link: bool) -> str:
    template, _template_digest = _template(HEAD_TEMPLATE)
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
        heads[post.pk] = mark_safe(head)  # noqa: S308 (rendered by an autoescaping template, kept by this module only)  # nosec B308 B703
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


def _is_kept_whole(post: Post) -> bool:
    """Published and visible: the same text for every reader of the topic."""
    return post.is_published and not post.is_hidden


def post_key(item: PostItem, *, viewer, moderator: bool, page_number: int) -> str:
    """The cache key of a post's whole ``<li>`` for one set of reader's rights."""
    post = item.post
    _post, template_digest = _template(POST_TEMPLATE)
    parts = (
        head_key(post, link=_author_link(viewer, post)),
        hashlib.blake2b(post.body_html.encode(), digest_size=16).hexdigest(),
        post.status,
        post.is_hidden,
        bool(item.avatar_url),
        tuple((r.kind, r.count, r.mine) for r in item.reactions),
        item.react,
        item.quote,
        item.edit,
        item.delete,
        item.report,
        item.history,
        # Never kept today (``_is_kept_whole``), in the key all the same.
        item.hidden_reason,
        item.hidden_text,
        moderator,
        page_number,
        tuple(sorted(item.urls.items())),
        template_digest,
    )
    return f"forums:post:{post.pk}:{_digest(parts)}"


def _render_post(item: PostItem, *, page, moderator: bool, request, csrf_token: str) -> str:
    template, _template_digest = _template(POST_TEMPLATE)
    context = {
        "item": item,
        "page": page,
        "moderator": moderator,
        "request": request,
        "csrf_token": csrf_token,
    }
    return template.render(Context(context, autoescape=True))


def _pieces(item: PostItem, *, page, moderator: bool, request) -> list[str]:
    """The ``<li>`` rendered with markers for the CSRF token and the avatar,
    split around them: literal text at even places, slot names at odd ones."""
    token_marker, avatar_marker = (f"slot{secrets.token_hex(16)}" for _ in range(2))
    real_avatar = item.avatar_url
    if real_avatar:
        item.avatar_url = avatar_marker
    try:
        html = _render_post(
            item, page=page, moderator=moderator, request=request, csrf_token=token_marker
        )
    finally:
        item.avatar_url = real_avatar
    names = {token_marker: "csrf", avatar_marker: "avatar"}
    pieces = re.split(f"({token_marker}|{avatar_marker})", html)
    return [piece if index % 2 == 0 else names[piece] for index, piece in enumerate(pieces)]


REPLY_FORM_KEY = "forums:reply-form"


def reply_form_html(form, forum) -> SafeString:
    """A topic's empty reply form, rendered once per forum and kept, with a
    slot for the submission key drawn for each page (a quoted reply, or a
    form sent back with its errors, is rendered for its request). The
    Markdown editor's widget was a tenth of a member's topic page."""
    if form.is_bound or form.initial:
        return mark_safe(str(form))  # noqa: S308 (Django's form rendering, escaped)  # nosec B308 B703
    submission_key = form.fields["submission_key"].initial
    parts = (forum.pk, forum.slug, get_language(), django.get_version())
    key = f"{REPLY_FORM_KEY}:{_digest(parts)}"
    pieces = cache.get(key)
    if not (isinstance(pieces, list) and len(pieces) == 2):
        marker = secrets.token_hex(16)
        form.fields["submission_key"].initial = marker
        rendered = str(form)
        form.fields["submission_key"].initial = submission_key
        pieces = rendered.split(marker)
        if len(pieces) != 2:
            return mark_safe(str(form))  # noqa: S308  # nosec B308 B703
        cache.set(key, pieces, HEAD_TIMEOUT)
    return mark_safe(escape(submission_key).join(pieces))  # noqa: S308 (pieces of Django's escaped rendering, the key escaped)  # nosec B308 B703


def render_posts(items: list[PostItem], *, request, page, moderator: bool) -> SafeString:
    """The page's ``<li>`` of each post: published, visible ones from the cache
    (one round trip), the others rendered for this request."""
    viewer = request.user
    kept = {
        item.post.pk: post_key(item, viewer=viewer, moderator=moderator, page_number=page.number)
        for item in items
        if _is_kept_whole(item.post)
    }
    found = cache.get_many(list(kept.values())) if kept else {}
    to_render = [item for item in items if not isinstance(found.get(kept.get(item.post.pk)), list)]
    heads = post_heads([item.post for item in to_render], viewer=viewer)
    # Only a signed-in reader gets forms in posts: an anonymous page sets no
    # CSRF cookie (and so stays the same for every visitor).
    token = get_token(request) if viewer.is_authenticated else ""
    missing = {}
    html = []
    for item in items:
        key = kept.get(item.post.pk)
        pieces = found.get(key) if key else None
        if not isinstance(pieces, list):
            item.head = heads[item.post.pk]
            if key is None:
                html.append(
                    _render_post(
                        item, page=page, moderator=moderator, request=request, csrf_token=token
                    )
                )
                continue
            pieces = _pieces(item, page=page, moderator=moderator, request=request)
            missing[key] = pieces
        slots = {"csrf": escape(token), "avatar": escape(item.avatar_url)}
        html.extend(piece if index % 2 == 0 else slots[piece] for index, piece in enumerate(pieces))
    if missing:
        cache.set_many(missing, HEAD_TIMEOUT)
    return mark_safe("".join(html))  # noqa: S308 (pieces of autoescaping templates, slots escaped)  # nosec B308 B703

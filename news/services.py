"""Every write of news: articles, their tags and cover, subscriptions, and the
notification to subscribers when an article comes out (the subscription says
who is told, each one's notification preference how)."""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import Truncator, slugify
from django.utils.translation import gettext as _
from django.utils.translation import override

from common.files import stored_file_delete_on_commit, stored_file_save
from common.markdown import render_markdown
from common.revisions import stale_edit_check
from common.tasks import task_enqueue_on_commit
from councils import services as council_services
from councils.models import MembershipEvent
from notifications import services as notifications

from . import permissions
from .models import TAG_MAX_LENGTH, TAGS_PER_ARTICLE, Article, Subscription, Tag

# An article whose time passed long ago (imported, or beat was down for days)
# is not announced: subscribers would get old news.
ANNOUNCE_WITHIN = timedelta(days=2)


def parse_tags(text: str) -> list[str]:
    """``"Budget, jeunesse , budget"`` → ``["Budget", "jeunesse"]``."""
    names: dict[str, str] = {}
    for raw in text.split(","):
        name = " ".join(raw.split())
        if not name:
            continue
        if len(name) > TAG_MAX_LENGTH:
            raise ValidationError(
                _("A tag has at most %(max)s characters: “%(tag)s”.")
                % {"max": TAG_MAX_LENGTH, "tag": name[:TAG_MAX_LENGTH] + "…"}
            )
        slug = slugify(name)
        if not slug:
            raise ValidationError(
                _("“%(tag)s” is not a tag: use letters or digits.") % {"tag": name}
            )
        names.setdefault(slug, name)
    if len(names) > TAGS_PER_ARTICLE:
        raise ValidationError(_("At most %(max)s tags per article.") % {"max": TAGS_PER_ARTICLE})
    return list(names.values())


def _set_tags(article: Article, names: list[str]) -> None:
    tags = []
    for name in names:
        tag, _created = Tag.objects.get_or_create(slug=slugify(name), defaults={"name": name})
        tags.append(tag)
    article.tags.set(tags)


def _store_cover(article: Article, cover: ContentFile) -> None:
    """Store the cover last, once the article is written; remove it again
    if its row cannot be saved."""
    with stored_file_save(article.cover, "cover.webp", cover):
        article.save(update_fields=["cover"])


def _log(article: Article, action: str, *, actor) -> None:
    """A council's article published or withdrawn goes in the council's log
    (national news has no council, and no log)."""
    if article.council_id is not None:
        council_services.council_log_record(
            council=article.council, action=action, actor=actor, title=article.title
        )


def _announce_after_commit(article: Article) -> None:
    if article.status == Article.Status.PUBLISHED and article.notified_at is None:
        from .tasks import announce_due_articles

        # Sooner than its beat (every 5 minutes), when the broker answers.
        task_enqueue_on_commit(announce_due_articles)


def article_create(
    *,
    author,
    council,
    title: str,
    summary: str,
    body: str,
    tags: list[str],
    published_at: datetime | None,
    cover: ContentFile | None = None,
    cover_alt: str = "",
    submission_key: str = "",
) -> Article:
    """Write an article for ``council`` (None: national). A second submission
    of the same form gives back the first article. A council's article given
    a publication time (now or later) goes in the council's log."""
    if not permissions.can_write_in_scope(author, council):
        raise PermissionDenied
    if submission_key:
        existing = Article.objects.filter(author=author, submission_key=submission_key).first()
        if existing is not None:
            return existing
    article = Article(
        council=council,
        author=author,
        title=title,
        summary=summary,
        body=body,
        body_html=render_markdown(body),
        cover_alt=cover_alt,
        published_at=published_at,
        submission_key=submission_key,
    )
    article.full_clean(exclude=["cover", "body_html", "author"])
    try:
        with transaction.atomic():
            article.save()
            _set_tags(article, tags)
            if published_at is not None:
                _log(article, MembershipEvent.Action.ARTICLE_PUBLISHED, actor=author)
            # Last: no row written after it could fail and leave the file.
            if cover is not None:
                _store_cover(article, cover)
    except IntegrityError:
        # The same form sent twice at once: the other request made it.
        existing = Article.objects.filter(author=author, submission_key=submission_key).first()
        if existing is None:
            raise
        return existing
    _announce_after_commit(article)
    return article


def article_update(
    *,
    actor,
    article: Article,
    title: str,
    summary: str,
    body: str,
    tags: list[str],
    published_at: datetime | None,
    cover: ContentFile | None = None,
    remove_cover: bool = False,
    cover_alt: str = "",
    based_on: datetime | None = None,
) -> Article:
    """Save an edit. ``based_on`` is the ``updated_at`` the editor started
    from: if someone saved in between, nothing is written. The text is
    rendered before the article's row is locked. A council's article given a
    publication time, or losing it, goes in the council's log."""
    if not permissions.can_edit(actor, article):
        raise PermissionDenied
    return _article_update(
        actor=actor,
        article=article,
        title=title,
        summary=summary,
        body=body,
        body_html=render_markdown(body),
        tags=tags,
        published_at=published_at,
        cover=cover,
        remove_cover=remove_cover,
        cover_alt=cover_alt,
        based_on=based_on,
    )


@transaction.atomic
def _article_update(
    *,
    actor,
    article: Article,
    title: str,
    summary: str,
    body: str,
    body_html: str,
    tags: list[str],
    published_at: datetime | None,
    cover: ContentFile | None,
    remove_cover: bool,
    cover_alt: str,
    based_on: datetime | None,
) -> Article:
    article = (
        Article.objects.select_for_update(of=("self",)).select_related("council").get(pk=article.pk)
    )
    stale_edit_check(based_on=based_on, current=article.updated_at, saved_at=article.updated_at)
    old_cover = article.cover.name if article.cover else ""
    was_published = article.published_at is not None
    article.title = title
    article.summary = summary
    article.body = body
    article.body_html = body_html
    article.cover_alt = cover_alt
    article.published_at = published_at
    article.updated_at = timezone.now()
    if remove_cover and cover is None:
        article.cover = ""
    article.full_clean(exclude=["cover", "body_html", "author", "submission_key"])
    article.save()
    _set_tags(article, tags)
    if not was_published and published_at is not None:
        _log(article, MembershipEvent.Action.ARTICLE_PUBLISHED, actor=actor)
    elif was_published and published_at is None:
        _log(article, MembershipEvent.Action.ARTICLE_UNPUBLISHED, actor=actor)
    # Last: no row written after it could fail and leave the file.
    if cover is not None:
        _store_cover(article, cover)
    new_cover = article.cover.name if article.cover else ""
    if old_cover != new_cover:
        stored_file_delete_on_commit([old_cover])
    _announce_after_commit(article)
    return article


@transaction.atomic
def article_delete(*, actor, article: Article) -> None:
    """Delete an article; a council's article that had a publication time
    leaves the council's log saying it was withdrawn."""
    if not permissions.can_edit(actor, article):
        raise PermissionDenied
    cover = article.cover.name if article.cover else ""
    if article.published_at is not None:
        _log(article, MembershipEvent.Action.ARTICLE_UNPUBLISHED, actor=actor)
    article.delete()
    stored_file_delete_on_commit([cover])


def subscribe(*, user, council=None) -> Subscription:
    if not permissions.can_subscribe(user):
        raise PermissionDenied
    try:
        with transaction.atomic():
            subscription, _created = Subscription.objects.get_or_create(user=user, council=council)
    except IntegrityError:
        subscription = Subscription.objects.get(user=user, council=council)
    return subscription


def unsubscribe(*, user, council=None) -> None:
    Subscription.objects.filter(user=user, council=council).delete()


def announce_due_articles(*, now: datetime | None = None) -> int:
    """Tell subscribers about each article whose time has come, once.

    Returns how many articles were announced. Safe to run concurrently: each
    article is claimed under its row lock.
    """
    now = now or timezone.now()
    announced = 0
    due = Article.objects.filter(published_at__lte=now, notified_at__isnull=True).values_list(
        "pk", flat=True
    )
    for pk in list(due[:200]):
        with transaction.atomic():
            article = (
                Article.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("council", "author")
                .filter(pk=pk, notified_at__isnull=True, published_at__lte=now)
                .first()
            )
            if article is None:
                continue
            article.notified_at = now
            article.save(update_fields=["notified_at"])
            if now - article.published_at > ANNOUNCE_WITHIN:
                continue
            if not permissions.readable_by_anyone(article):
                continue
            _notify_subscribers(article)
            announced += 1
    return announced


ARTICLE = "news.article"


def _notify_subscribers(article: Article) -> None:
    """Those who follow the article's news (national, or its council's), not
    its author. The article is public: everyone may read it."""
    followers = (
        Subscription.objects.filter(council=article.council, user__is_active=True)
        .exclude(user_id=article.author_id)
        .select_related("user")
        .order_by("pk")
    )
    council = article.council
    with override(settings.LANGUAGE_CODE):
        if council is None:
            title = _("The national animation published “%(title)s”") % {"title": article.title}
            place = {"group_key": "news:national", "group_title": _("National news")}
        else:
            title = _("%(council)s published “%(title)s”") % {
                "council": council.name,
                "title": article.title,
            }
            place = {
                "group_key": f"council:{council.pk}",
                "group_title": council.name,
                "thread_key": f"news:council:{council.pk}",
                "thread_title": _("News"),
            }
    notifications.notify(
        recipients=[subscription.user for subscription in followers],
        kind=ARTICLE,
        target_id=article.pk,
        title=title,
        url=article.get_absolute_url(),
        excerpt=Truncator(article.summary).words(40),
        actor=article.author,
        **place,
    )

"""News pages: lists, an article, writing, subscriptions (thin: the rules are
in permissions, the writes in services)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from common.access import deny, login_or
from common.page_cache import anonymous_page, expires_at
from councils.models import Council

from . import emails, page_cache, permissions, selectors, services
from .forms import ArticleForm
from .models import Article

PER_PAGE = 10


def _active_council(slug: str) -> Council:
    return get_object_or_404(
        Council.objects.select_related("department"), slug=slug, status=Council.Status.ACTIVE
    )


def _listing(request, articles, *, council=None) -> dict:
    asked = request.GET.get("etiquette", "")
    tag = selectors.tag_from(asked)
    if tag is not None:
        articles = articles.filter(tags=tag)
    elif asked:
        articles = articles.none()
    page = Paginator(articles, PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return {
        "page": page,
        "query_string": query.urlencode(),
        "tag": tag,
        "asked_tag": asked,
        "unpublished": selectors.with_cards(
            permissions.unpublished_visible_to(request.user, council=council)
        )
        if page.number == 1 and not asked
        else [],
        "can_write": permissions.can_write_in_scope(request.user, council),
        "subscribed": selectors.is_subscribed(request.user, council=council),
        "can_subscribe": permissions.can_subscribe(request.user),
    }


@anonymous_page(page_cache.list_page)
def index(request):
    expires_at(request, page_cache.next_publication)
    if request.GET.get("etiquette"):
        # A tag gathers the articles of the animation and of the councils.
        context = _listing(request, selectors.published())
        context["show_council"] = True
    else:
        context = _listing(request, selectors.published(national=True))
        context["council_articles"] = selectors.published(national=False)[:4]
    return render(request, "news/index.html", context)


def council_news_all(request):
    """The latest articles of every council."""
    context = _listing(request, selectors.published(national=False))
    context["all_councils"] = True
    return render(request, "news/councils.html", context)


def council_news(request, slug: str):
    council = _active_council(slug)
    context = _listing(request, selectors.published(council=council), council=council)
    context["council"] = council
    return render(request, "news/council.html", context)


@anonymous_page(page_cache.article_page)
def article(request, pk: int):
    current = get_object_or_404(
        Article.objects.select_related("council", "author").prefetch_related("tags"), pk=pk
    )
    if not permissions.can_read(request.user, current):
        raise Http404
    context = {
        "article": current,
        "council": current.council,
        "can_edit": permissions.can_edit(request.user, current),
    }
    return render(request, "news/article.html", context)


def _posted(request):
    return (request.POST, request.FILES) if request.method == "POST" else (None, None)


def _ask_cover_again(form) -> None:
    """A browser cannot show a chosen file again: say so when the form comes
    back with an error, so the image is not lost unnoticed."""
    if (
        form.is_bound
        and form.errors
        and form.files.get("cover_upload")
        and "cover_upload" not in form.errors
    ):
        form.add_error(
            "cover_upload",
            _("Choose the image again: it could not be kept while the form had an error."),
        )


def _write(request, *, council):
    if not permissions.can_write_in_scope(request.user, council):
        deny(request)
    data, files = _posted(request)
    form = ArticleForm(data, files)
    if form.is_valid():
        cleaned = form.cleaned_data
        try:
            created = services.article_create(
                author=request.user,
                council=council,
                title=cleaned["title"],
                summary=cleaned["summary"],
                body=cleaned["body"],
                tags=cleaned["tags"],
                published_at=cleaned["published_at"],
                cover=cleaned["cover_upload"],
                cover_alt=cleaned["cover_alt"],
                submission_key=cleaned["submission_key"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _status_message(created))
            return redirect(created)
    _ask_cover_again(form)
    back = reverse("news:council", args=[council.slug]) if council else reverse("news:index")
    return render(request, "news/form.html", {"form": form, "council": council, "back": back})


@login_or
def create(request):
    return _write(request, council=None)


@login_or
def council_create(request, slug: str):
    return _write(request, council=_active_council(slug))


def _editable(request, pk: int) -> Article:
    current = get_object_or_404(
        Article.objects.select_related("council", "author").prefetch_related("tags"), pk=pk
    )
    if not permissions.can_edit(request.user, current):
        if request.user.is_authenticated and permissions.can_read(request.user, current):
            raise PermissionDenied
        deny(request)
    return current


@login_or
def edit(request, pk: int):
    current = _editable(request, pk)
    data, files = _posted(request)
    form = ArticleForm(data, files, article=current)
    saved_meanwhile = None
    if form.is_valid():
        cleaned = form.cleaned_data
        try:
            saved = services.article_update(
                actor=request.user,
                article=current,
                title=cleaned["title"],
                summary=cleaned["summary"],
                body=cleaned["body"],
                tags=cleaned["tags"],
                published_at=cleaned["published_at"],
                cover=cleaned["cover_upload"],
                remove_cover=cleaned.get("remove_cover", False),
                cover_alt=cleaned["cover_alt"],
                based_on=cleaned["version"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            if error.code == "stale":
                # Show what the other person saved; the next save starts from it.
                saved_meanwhile = _editable(request, pk)
                form.data = form.data.copy()
                form.data["version"] = saved_meanwhile.updated_at.isoformat()
        else:
            messages.success(request, _status_message(saved, edited=True))
            return redirect(saved)
    _ask_cover_again(form)
    context = {
        "form": form,
        "article": current,
        "saved_meanwhile": saved_meanwhile,
        "council": current.council,
        "back": current.get_absolute_url(),
    }
    return render(request, "news/form.html", context)


@login_or
def delete(request, pk: int):
    current = _editable(request, pk)
    back = (
        reverse("news:council", args=[current.council.slug])
        if current.council
        else reverse("news:index")
    )
    if request.method == "POST":
        services.article_delete(actor=request.user, article=current)
        messages.success(request, _("The article has been deleted."))
        return redirect(back)
    context = {
        "title": _("Delete the article “%(title)s”?") % {"title": current.title},
        "explanation": [
            _("It disappears from the site and from the feeds. This cannot be undone.")
        ],
        "confirm_label": _("Delete the article"),
        "cancel_url": current.get_absolute_url(),
        "danger": True,
    }
    return render(request, "confirm.html", context)


def _status_message(saved: Article, *, edited: bool = False) -> str:
    if saved.status == Article.Status.PUBLISHED:
        return _("The article is saved.") if edited else _("The article is published.")
    if saved.status == Article.Status.SCHEDULED:
        return _("The article is scheduled: it will appear by itself at the set time.")
    return _("The draft is saved. Only the editors see it.")


@login_or
@require_POST
def subscription(request, slug: str | None = None):
    council = _active_council(slug) if slug else None
    if not permissions.can_subscribe(request.user):
        deny(request)
    if request.POST.get("action") == "unsubscribe":
        services.unsubscribe(user=request.user, council=council)
        messages.success(request, _("You will no longer be told of new articles."))
    else:
        services.subscribe(user=request.user, council=council)
        messages.success(
            request,
            _(
                "You will be told of each new article in your notifications "
                "(and by e-mail, unless you choose otherwise)."
            ),
        )
    return redirect(reverse("news:council", args=[slug]) if slug else reverse("news:index"))


@csrf_exempt
def unsubscribe(request, token: str):
    """The link of every news e-mail: no login needed, the signed token is the
    proof. A GET only asks (mail scanners open links); POST unsubscribes,
    which is also what mail programs' one-click unsubscribe sends."""
    found = emails.subscription_from_token(token)
    if request.method == "POST":
        if found is not None:
            services.unsubscribe(user=found.user, council=found.council)
        return render(request, "news/unsubscribed.html", {"council": found and found.council})
    if found is None:
        return render(request, "news/unsubscribed.html", {"already": True}, status=200)
    return render(request, "news/unsubscribe.html", {"subscription": found})


def council_section(request, council) -> str:
    """The block of the council's public page (registered in councils.registry)."""
    articles = list(selectors.with_cards(selectors.published(council=council))[:3])
    return render_to_string(
        "news/_council_section.html", {"articles": articles, "council": council}, request
    )

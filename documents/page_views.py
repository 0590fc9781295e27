"""Collaborative pages: list, read, write (stale saves refused, nothing
lost), history, comparison of two revisions, restore."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from common.access import deny, login_or

from . import permissions, selectors, services
from .forms import PageForm
from .models import Page
from .views import access_files


def _page(council, pk) -> Page:
    return get_object_or_404(
        Page.objects.live().select_related("current__author", "council"), pk=pk, council=council
    )


@login_or
def pages(request, slug: str):
    council = access_files(request, slug)
    context = {
        "council": council,
        "pages": Page.objects.live()
        .filter(council=council)
        .select_related("council", "current__author"),
        "can_add": permissions.can_add_files(request.user, council),
    }
    return render(request, "documents/pages.html", context)


@login_or
def page(request, slug: str, pk: int):
    council = access_files(request, slug)
    current = _page(council, pk)
    context = {
        "council": council,
        "page": current,
        "can_change": permissions.can_change(request.user, current),
        "can_publish": permissions.can_publish(request.user, council),
    }
    return render(request, "documents/page.html", context)


@login_or
def page_create(request, slug: str):
    council = access_files(request, slug)
    if not permissions.can_add_files(request.user, council):
        deny(request)
    form = PageForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.page_create(
                user=request.user,
                council=council,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                summary=form.cleaned_data["summary"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The page has been created."))
            return redirect(created)
    return render(request, "documents/page_form.html", {"council": council, "form": form})


@login_or
def page_edit(request, slug: str, pk: int):
    council = access_files(request, slug)
    current = _page(council, pk)
    if not permissions.can_change(request.user, current):
        deny(request)
    initial = {
        "title": current.title,
        "body": current.current.body,
        "based_on": current.current.number,
    }
    form = PageForm(request.POST if request.method == "POST" else None, initial=initial)
    theirs = theirs_by = None
    if request.method == "POST" and form.is_valid():
        based_on = form.cleaned_data["based_on"] or 0
        try:
            services.page_save(
                user=request.user,
                page=current,
                body=form.cleaned_data["body"],
                summary=form.cleaned_data["summary"],
                based_on=based_on,
                title=form.cleaned_data["title"],
            )
        except ValidationError as error:
            form.add_error(None, error)
            if error.code == "stale":
                # What changed since the writer started, and a fresh base to save on.
                start = current.revisions.filter(number=based_on).first() or current.current
                theirs = selectors.revision_diff(start, current.current)
                theirs_by = current.current
                form.data = form.data.copy()
                form.data["based_on"] = current.current.number
        else:
            messages.success(request, _("The page has been saved."))
            return redirect(current)
    context = {
        "council": council,
        "page": current,
        "form": form,
        "theirs": theirs,
        "theirs_by": theirs_by,
    }
    return render(request, "documents/page_form.html", context)


REVISIONS_PER_PAGE = 50
# A revision's number, as the database stores it (a positive 32-bit integer).
_LARGEST_NUMBER = 2**31 - 1


def _revision_number(value: str) -> int | None:
    """The revision number asked in the address, or None for anything else
    (letters, a number no revision can have)."""
    if not (value.isascii() and value.isdigit()) or len(value) > 10:
        return None
    number = int(value)
    return number if 0 < number <= _LARGEST_NUMBER else None


@login_or
def page_history(request, slug: str, pk: int):
    council = access_files(request, slug)
    current = _page(council, pk)
    # A page edited for years has hundreds of revisions: listed by pages (a
    # list of 500 was 290 KiB and 250 ms), their texts read only for the two
    # compared, whichever pages they are on.
    revisions = Paginator(
        current.revisions.select_related("author").defer("body", "body_html", "search_vector"),
        REVISIONS_PER_PAGE,
    ).get_page(request.GET.get("page"))
    diff = old = new = None
    if request.GET.get("de") and request.GET.get("a"):
        asked = tuple(_revision_number(request.GET[name]) for name in ("de", "a"))
        if None in asked:
            asked = ()
        numbers = {
            revision.number: revision for revision in current.revisions.filter(number__in=asked)
        }
        if asked and all(number in numbers for number in asked):
            old, new = numbers[asked[0]], numbers[asked[1]]
            diff = selectors.revision_diff(old, new)
    context = {
        "council": council,
        "page": current,
        "revisions": revisions,
        "diff": diff,
        "old": old,
        "new": new,
        "can_change": permissions.can_change(request.user, current),
    }
    return render(request, "documents/page_history.html", context)


@login_or
def page_restore(request, slug: str, pk: int, number: int):
    council = access_files(request, slug)
    current = _page(council, pk)
    revision = get_object_or_404(current.revisions, number=number)
    if not permissions.can_change(request.user, current):
        deny(request)
    if request.method != "POST":
        context = {
            "council": council,
            "title": _("Bring back the text of revision %(number)s?") % {"number": revision.number},
            "explanation": [
                _("It becomes a new revision; the current text stays in the history."),
            ],
            "confirm_label": _("Bring it back"),
            "cancel_url": reverse("documents:page_history", args=[council.slug, current.pk]),
        }
        return render(request, "confirm.html", context)
    try:
        services.page_restore(user=request.user, page=current, revision=revision)
    except PermissionDenied:
        deny(request)
    messages.success(
        request, _("The text of revision %(number)s is back.") % {"number": revision.number}
    )
    return redirect(current)

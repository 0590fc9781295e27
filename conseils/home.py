"""The home page: what a citizen council is, the way to the nearest one, what
is new, the numbers, and where to get help. Public content only: the page is
the same for everyone but the header."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import render

from councils.forms import DirectoryFilterForm
from councils.models import Council, Membership
from events import selectors as event_selectors
from forums import selectors as forum_selectors
from news import selectors as news_selectors

LATEST_ARTICLES = 3
LIVELY_TOPICS = 5
NEXT_MEETINGS = 3


def home_numbers() -> dict[str, int]:
    councils = Council.objects.active().count()
    members = (
        Membership.objects.filter(council__status=Council.Status.ACTIVE)
        .values("user")
        .distinct()
        .count()
    )
    discussions = forum_selectors.public_topics().count()
    return {"councils": councils, "members": members, "discussions": discussions}


def lively_topics():
    """Recent discussions of the forums anyone may read."""
    return (
        forum_selectors.public_topics()
        .select_related("forum")
        .order_by("-last_post_at", "-pk")[:LIVELY_TOPICS]
    )


def home(request):
    context = {
        "finder": DirectoryFilterForm(auto_id="home-%s"),
        "national_articles": news_selectors.published(national=True)[:LATEST_ARTICLES],
        "council_articles": news_selectors.published(national=False)[:LATEST_ARTICLES],
        "topics": lively_topics(),
        "meetings": event_selectors.national_agenda(AnonymousUser()).filter(
            cancelled_at__isnull=True
        )[:NEXT_MEETINGS],
        "numbers": home_numbers(),
    }
    return render(request, "conseils/home.html", context)

"""The home page: what a citizen council is, the way to the nearest one, what
is new, the numbers, and where to get help. Public content only: the page is
the same for everyone but the header."""

from __future__ import annotations

from django.contrib.auth.models import AnonymousUser
from django.shortcuts import render

from common.page_cache import anonymous_page, expires_at, kept
from councils.forms import DirectoryFilterForm
from councils.models import Council, Membership
from councils.page_cache import COUNCILS
from events import selectors as event_selectors
from events.page_cache import EVENTS
from forums import page_cache as forum_pages
from forums import selectors as forum_selectors
from news import page_cache as news_pages
from news import selectors as news_selectors
from news.page_cache import NEWS

LATEST_ARTICLES = 3
LIVELY_TOPICS = 5
NEXT_MEETINGS = 3


# The numbers and the lively topics are the same for everyone: kept until a
# council, a membership or a forum changes (common.page_cache.kept), instead
# of counting the distinct members of 100,000 memberships (225 ms of SQL,
# bench/scale.py) and sorting 30,000 public topics (34 ms) for each member.
NUMBERS_TIMEOUT = 600


def home_numbers() -> dict[str, int]:
    tags = [COUNCILS, forum_pages.FORUMS, forum_pages.ACTIVITY]
    return kept("home:numbers", tags, _count_numbers, NUMBERS_TIMEOUT)


def _count_numbers() -> dict[str, int]:
    councils = Council.objects.active().count()
    members = (
        Membership.objects.filter(council__status=Council.Status.ACTIVE)
        .values("user")
        .distinct()
        .count()
    )
    discussions = forum_selectors.public_topics().count()
    return {"councils": councils, "members": members, "discussions": discussions}


def lively_topics() -> list:
    """Recent discussions of the forums anyone may read."""
    return kept("home:lively-topics", [forum_pages.FORUMS, forum_pages.ACTIVITY], _lively_topics)


def _lively_topics() -> list:
    return list(
        forum_selectors.public_topics()
        .select_related("forum")
        .order_by("-last_post_at", "-pk")[:LIVELY_TOPICS]
    )


def home_page() -> list[str]:
    """What the home page shows, for the anonymous page cache."""
    return [NEWS, EVENTS, COUNCILS, forum_pages.FORUMS, forum_pages.ACTIVITY]


@anonymous_page(home_page)
def home(request):
    expires_at(request, news_pages.next_publication)
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

"""Atom feeds: national news, and each active council's news. Published
articles only, whoever asks."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

from accounts.names import public_name
from councils.models import Council

from . import selectors

FEED_LENGTH = 20


class NationalFeed(Feed):
    feed_type = Atom1Feed

    def title(self):
        return _("%(site)s: national news") % {"site": settings.SITE_NAME}

    def subtitle(self):
        return _("News of the national animation of citizen councils.")

    def link(self):
        return reverse("news:index")

    def items(self):
        return selectors.published(national=True)[:FEED_LENGTH]

    def item_title(self, item):
        return item.title

    def item_description(self, item):
        # Atom carries it as HTML: the plain-text summary is escaped into
        # HTML here, then escaped again into XML by the feed.
        return escape(item.summary)

    def item_link(self, item):
        return item.get_absolute_url()

    def item_pubdate(self, item):
        return item.published_at

    def item_updateddate(self, item):
        return max(item.updated_at, item.published_at)

    def item_author_name(self, item):
        return public_name(item.author, without_name=_("National animation"))

    def item_categories(self, item):
        return [tag.name for tag in item.tags.all()]


class CouncilFeed(NationalFeed):
    def get_object(self, request, slug: str):
        return get_object_or_404(Council, slug=slug, status=Council.Status.ACTIVE)

    def title(self, obj):
        return _("%(council)s: news") % {"council": obj.name}

    def subtitle(self, obj):
        return _("News of the citizen council %(council)s.") % {"council": obj.name}

    def link(self, obj):
        return reverse("news:council", args=[obj.slug])

    def items(self, obj):
        return selectors.published(council=obj)[:FEED_LENGTH]

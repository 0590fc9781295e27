"""The site search page."""

from __future__ import annotations

from urllib.parse import urlencode

from django.shortcuts import render
from django.utils.translation import gettext as _

from common import ratelimit

from . import registry, services, text

# Anonymous visitors, per address: generous for a person, a brake for a robot.
ANONYMOUS_LIMIT_PER_MINUTE = 60


def search(request):
    query, trimmed = services.clean_query(request.GET.get("q", ""))
    kind = request.GET.get("type", services.ALL)
    if (
        query
        and not request.user.is_authenticated
        and not ratelimit.hit(
            f"search:{ratelimit.client_ip(request)}",
            limit=ANONYMOUS_LIMIT_PER_MINUTE,
            period_seconds=60,
        )
    ):
        return render(request, "429.html", status=429)
    results = None
    if query:
        results = services.site_search(
            user=request.user, query=query, kind=kind, page=request.GET.get("page")
        )
    context = {
        "query": query,
        "trimmed": trimmed,
        "max_length": text.MAX_QUERY_LENGTH,
        "results": results,
        "types": _types(results) if results else [],
        "browse": _browse() if results and not results.hits else [],
        "query_for_all": urlencode({"q": query}),
        "query_string": urlencode({"q": query, "type": results.kind if results else kind}),
    }
    return render(request, "search/search.html", context)


def _browse() -> list[dict]:
    """Where to look instead when nothing is found: each source may offer a
    page of its app (the search page names no app above its floor)."""
    return [
        {"label": source.browse.label, "url": source.browse.url()}
        for source in registry.all_sources()
        if source.browse is not None
    ]


def _types(results: services.SearchResults) -> list[dict]:
    """The type filter: "all", then each source, with what the user may read of it."""
    types = [
        {
            "label": _("All"),
            "count": results.total,
            "query_string": urlencode({"q": results.query}),
            "current": results.kind == services.ALL,
            "more": False,
            "beyond": bool(results.beyond),
        }
    ]
    for source, count in results.counts:
        types.append(
            {
                "label": source.label,
                "count": count,
                "query_string": urlencode({"q": results.query, "type": source.key}),
                "current": results.kind == source.key,
                "more": count > services.ALL_PER_SOURCE or source.key in results.beyond,
                "beyond": source.key in results.beyond,
            }
        )
    return types

"""The site's answer to an unexpected error (``handler500``).

A database that does not answer gets a 503 page asking to come back in a
minute, with ``Retry-After``; any other error the usual 500 page. Both render
without a request context, so no context processor asks the database again.
With ``DEBUG`` on Django answers with its debug page and never calls this.
"""

from __future__ import annotations

import sys

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template import loader
from django.utils import translation
from django.utils.cache import add_never_cache_headers
from django.views import defaults

from .outage import is_database_unavailable

RETRY_AFTER_SECONDS = 60


def server_error(request: HttpRequest) -> HttpResponse:
    """Called by Django inside the ``except`` that caught the error."""
    if is_database_unavailable(sys.exc_info()[1]):
        return database_unavailable(request)
    return defaults.server_error(request)


def database_unavailable(request: HttpRequest) -> HttpResponse:
    language = getattr(request, "LANGUAGE_CODE", settings.LANGUAGE_CODE)
    with translation.override(language):
        body = loader.get_template("503.html").render()
    response = HttpResponse(body, status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response

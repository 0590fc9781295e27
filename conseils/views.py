"""The showcase's own pages and the health check."""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)


def home(request):
    return render(request, "conseils/home.html")


def static_page(request, template_name: str):
    return render(request, f"conseils/pages/{template_name}.html")


@never_cache
@require_GET
def healthz(request):
    """200 when the database and the cache answer; 503 naming what fails."""
    failing = []
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("Health check: the database does not answer")
        failing.append("database")
    try:
        cache.set("healthz", "ok", timeout=10)
        if cache.get("healthz") != "ok":
            raise RuntimeError("the cache lost a value it was just given")
    except Exception:
        logger.exception("Health check: the cache does not answer")
        failing.append("cache")
    if failing:
        return JsonResponse({"status": "error", "failing": failing}, status=503)
    return JsonResponse({"status": "ok"})

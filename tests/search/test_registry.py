"""The sources come from the apps' registrations: each app's own, listed by
``order`` whatever the order of ``INSTALLED_APPS``, and a key taken once."""

from __future__ import annotations

import dataclasses

import pytest
from django.apps import apps

from search import registry

KEYS_IN_ORDER = [
    "councils",
    "news",
    "discussions",
    "events",
    "documents",
    "pages",
    "resources",
    "site_pages",
]


@pytest.fixture
def sources(monkeypatch):
    """The registered sources, restored after the test."""
    monkeypatch.setattr(registry, "_sources", {**registry._sources})
    return registry._sources


def test_each_app_registers_its_sources_in_the_order_of_the_page():
    assert [source.key for source in registry.all_sources()] == KEYS_IN_ORDER
    owners = {
        source.key: source.queryset.__module__.split(".")[0] for source in registry.all_sources()
    }
    assert owners == {
        "councils": "councils",
        "news": "news",
        "discussions": "forums",
        "events": "events",
        "documents": "documents",
        "pages": "documents",
        "resources": "documents",
        "site_pages": "conseils",
    }


def test_the_order_does_not_depend_on_the_order_of_registration(sources):
    registered = list(sources.values())
    sources.clear()
    for source in reversed(registered):
        registry.register(source)
    assert [source.key for source in registry.all_sources()] == KEYS_IN_ORDER


def test_ready_may_run_again(sources):
    for app in ("councils", "forums", "documents", "news", "events", "conseils"):
        apps.get_app_config(app).ready()
    assert [source.key for source in registry.all_sources()] == KEYS_IN_ORDER


def test_another_source_under_a_taken_key_is_refused(sources):
    news = registry.source_for("news")
    impostor = dataclasses.replace(news, queryset=lambda user: news.queryset(user).all())
    with pytest.raises(ValueError, match="'news' is already registered"):
        registry.register(impostor)
    assert registry.source_for("news") is news


def test_an_unknown_key_has_no_source():
    assert registry.source_for("all") is None
    assert registry.source_for("") is None

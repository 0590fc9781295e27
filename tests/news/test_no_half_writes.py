"""An article whose last write fails (the connection dies, the worker is
stopped) leaves no row and no stored cover."""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.db import OperationalError

from councils.models import MembershipEvent
from news import services
from news.models import Article
from tests.conftest import stored_files
from tests.councils.factories import coordinator_of, council_create
from tests.news.factories import article_create

pytestmark = pytest.mark.django_db


def _cover():
    return ContentFile(b"RIFF\x00\x00\x00\x00WEBPVP8 ", name="cover.webp")


def _fail(*args, **kwargs):
    raise OperationalError("server closed the connection unexpectedly")


def test_an_article_whose_log_line_fails_leaves_no_row_and_no_cover(monkeypatch, media_root):
    council = council_create()
    author = coordinator_of(council)
    events = MembershipEvent.objects.count()
    monkeypatch.setattr(services, "_log", _fail)

    with pytest.raises(OperationalError):
        article_create(author=author, council=council, cover=_cover(), title="Perdu")

    assert not Article.objects.filter(title="Perdu").exists()
    assert MembershipEvent.objects.count() == events
    assert stored_files(media_root) == []


def test_an_article_whose_cover_row_fails_leaves_no_row_and_no_cover(monkeypatch, media_root):
    council = council_create()
    author = coordinator_of(council)
    events = MembershipEvent.objects.count()
    save = Article.save

    def save_but_not_the_cover(self, *args, **kwargs):
        if kwargs.get("update_fields") == ["cover"]:
            _fail()
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Article, "save", save_but_not_the_cover)

    with pytest.raises(OperationalError):
        article_create(author=author, council=council, cover=_cover(), title="Perdu")

    assert not Article.objects.filter(title="Perdu").exists()
    assert MembershipEvent.objects.count() == events
    assert stored_files(media_root) == []


def test_an_edit_whose_cover_row_fails_keeps_the_old_cover(monkeypatch, media_root):
    council = council_create()
    author = coordinator_of(council)
    article = article_create(author=author, council=council, cover=_cover())
    old_cover = article.cover.name
    files_before = stored_files(media_root)
    save = Article.save

    def save_but_not_the_cover(self, *args, **kwargs):
        if kwargs.get("update_fields") == ["cover"]:
            _fail()
        return save(self, *args, **kwargs)

    monkeypatch.setattr(Article, "save", save_but_not_the_cover)
    with pytest.raises(OperationalError):
        services.article_update(
            actor=author,
            article=article,
            title="Nouveau titre",
            summary=article.summary,
            body=article.body,
            tags=[],
            published_at=article.published_at,
            cover=_cover(),
        )

    article.refresh_from_db()
    assert article.title != "Nouveau titre"
    assert article.cover.name == old_cover
    assert stored_files(media_root) == files_before

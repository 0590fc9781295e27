"""Pages written together: revisions, stale saves refused without losing a
word, history, comparison, restore; members only."""

from __future__ import annotations

import html

import pytest
from django.urls import reverse

from documents import services
from documents.models import Page
from tests.accounts.factories import XSS, UserFactory
from tests.councils.factories import council_create, member_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def council():
    return council_create()


def test_two_members_editing_at_once_lose_nothing(client, council):
    fatou, julien = member_of(council), member_of(council)
    page = services.page_create(
        user=fatou, council=council, title="Ordre du jour", body="1. Fête\n2. Éclairage"
    )
    edit_url = reverse("documents:page_edit", args=[council.slug, page.pk])
    data = {"title": "Ordre du jour", "based_on": 1}

    client.force_login(fatou)
    saved = client.post(edit_url, {**data, "body": "1. Fête\n2. Éclairage\n3. Budget"})
    assert saved.status_code == 302
    client.force_login(julien)
    refused = client.post(edit_url, {**data, "body": "1. Fête de quartier\n2. Éclairage"})
    page_html = html.unescape(refused.content.decode())
    assert refused.status_code == 200
    assert f"{fatou.display_name} a enregistré ce texte le" in page_html
    assert "1. Fête de quartier" in page_html  # his text is kept
    assert "+ 3. Budget" in page_html  # her change is shown
    assert "Enregistré par" in page_html  # and who made it
    page.refresh_from_db()
    assert page.current.body == "1. Fête\n2. Éclairage\n3. Budget"
    assert page.revisions.count() == 2

    merged = {**data, "based_on": 2, "body": "1. Fête de quartier\n2. Éclairage\n3. Budget"}
    assert client.post(edit_url, merged).status_code == 302
    page.refresh_from_db()
    assert page.current.number == 3


def test_history_compares_and_restores(client, council):
    member = member_of(council)
    page = services.page_create(
        user=member, council=council, title="Compte rendu", body="Version A"
    )
    services.page_save(user=member, page=page, body="Version B", based_on=1)
    client.force_login(member)
    history = client.get(
        reverse("documents:page_history", args=[council.slug, page.pk]) + "?de=1&a=2"
    ).content.decode()
    assert "− Version A" in history and "+ Version B" in history
    assert "csrfmiddlewaretoken" not in history.split('method="get"')[1].split("</form>")[0]
    restore = reverse("documents:page_restore", args=[council.slug, page.pk, 1])
    assert "Rétablir le texte de la révision 1" in html.unescape(
        client.get(restore).content.decode()
    )
    client.post(restore)
    page.refresh_from_db()
    assert page.current.body == "Version A"
    assert page.current.number == 3


def test_a_long_history_is_listed_by_pages_and_compares_across_them(
    client, council, django_assert_max_num_queries
):
    member = member_of(council)
    page = services.page_create(user=member, council=council, title="Budget", body="Version 1")
    for number in range(2, 56):
        services.page_save(user=member, page=page, body=f"Version {number}", based_on=number - 1)
    client.force_login(member)
    url = reverse("documents:page_history", args=[council.slug, page.pk])
    with django_assert_max_num_queries(12):
        first = html.unescape(client.get(url).content.decode())
    assert first.count('name="de"') == 50
    assert "Page 1 sur 2" in first
    second = html.unescape(client.get(url + "?page=2").content.decode())
    assert second.count('name="de"') == 5
    # Every listed revision but the current one can be restored, on any page.
    assert second.count("Rétablir ce texte") == 5
    assert first.count("Rétablir ce texte") == 49
    compared = html.unescape(client.get(url + "?page=2&de=1&a=55").content.decode())
    assert "− Version 1" in compared and "+ Version 55" in compared
    missing = client.get(url + "?de=1&a=99")
    assert missing.status_code == 200
    assert "− Version 1" not in html.unescape(missing.content.decode())


def test_page_text_is_sanitised(council):
    page = services.page_create(
        user=member_of(council),
        council=council,
        title="T",
        body=f"Bonjour {XSS} [x](javascript:alert(1))",
    )
    assert "<script" not in page.current.body_html
    assert "javascript" not in page.current.body_html


@pytest.mark.parametrize("outsider", ["registered", "other_member", "anonymous"])
def test_pages_are_for_members_only(client, council, outsider):
    page = services.page_create(
        user=member_of(council), council=council, title="Privé", body="Texte secret zqx"
    )
    if outsider == "registered":
        client.force_login(UserFactory())
    elif outsider == "other_member":
        client.force_login(member_of(council_create()))
    for name in ("documents:pages", "documents:page", "documents:page_history"):
        args = [council.slug] if name == "documents:pages" else [council.slug, page.pk]
        response = client.get(reverse(name, args=args))
        assert response.status_code == (302 if outsider == "anonymous" else 404)
    assert Page.objects.get().current.number == 1


def test_page_text_is_rendered_before_any_row_is_locked(council, render_depths):
    depths = render_depths("documents.services.pages")
    member = member_of(council)
    page = services.page_create(user=member, council=council, title="Idées", body="Version *A*")
    services.page_save(user=member, page=page, body="Version *B*", based_on=1)
    services.page_restore(user=member, page=page, revision=page.revisions.get(number=1))
    assert depths == [0, 0, 0]
    page.refresh_from_db()
    assert (page.current.number, page.current.body_html) == (3, "<p>Version <em>A</em></p>")

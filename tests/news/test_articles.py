"""Writing, scheduling and reading articles as their editors and readers see it."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from news.models import Article
from tests.accounts.factories import XSS
from tests.councils.factories import coordinator_of, council_create
from tests.images import jpeg_with_gps, text_renamed_png

from .factories import animator, article_create

pytestmark = pytest.mark.django_db


def _form(**overrides):
    data = {
        "title": "Les budgets participatifs",
        "summary": "Ce que les conseils en ont fait",
        "body": "Un **bilan** de l’année.",
        "tags": "budget, Participation",
        "cover_alt": "",
        "publication": "now",
        "publish_at": "",
        "submission_key": "clé-1",
    }
    data.update(overrides)
    return data


def test_the_animator_publishes_a_national_article(client):
    writer = animator()
    client.force_login(writer)
    response = client.post(reverse("news:create"), _form())
    article = Article.objects.get()
    assert response.status_code == 302
    assert response["Location"] == article.get_absolute_url()
    assert article.status == Article.Status.PUBLISHED
    assert sorted(tag.name for tag in article.tags.all()) == ["Participation", "budget"]
    client.logout()
    page = client.get(article.get_absolute_url()).content.decode()
    assert "<strong>bilan</strong>" in page
    assert "Les budgets participatifs" in client.get(reverse("news:index")).content.decode()


def test_a_double_submitted_form_makes_one_article(client):
    client.force_login(animator())
    first = client.post(reverse("news:create"), _form())
    second = client.post(reverse("news:create"), _form())
    assert Article.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_a_scheduled_article_appears_by_itself_at_its_time(client, time_machine):
    writer = animator()
    when = timezone.now() + timedelta(hours=2)
    client.force_login(writer)
    response = client.post(
        reverse("news:create"),
        _form(publication="later", publish_at=timezone.localtime(when).strftime("%Y-%m-%dT%H:%M")),
    )
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.status == Article.Status.SCHEDULED
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404
    assert "Les budgets participatifs" not in client.get(reverse("news:index")).content.decode()

    # No task runs: only the clock moves.
    time_machine.move_to(when + timedelta(minutes=1))
    assert client.get(article.get_absolute_url()).status_code == 200
    assert "Les budgets participatifs" in client.get(reverse("news:index")).content.decode()
    assert "Les budgets participatifs" in client.get(reverse("news:feed")).content.decode()


def test_a_past_time_is_refused_and_the_text_kept(client):
    client.force_login(animator())
    response = client.post(
        reverse("news:create"), _form(publication="later", publish_at="2020-01-01T10:00")
    )
    assert response.status_code == 200
    assert "Cette heure est passée" in response.content.decode()
    assert "Un **bilan** de l’année." in response.content.decode()
    assert not Article.objects.exists()


def test_a_too_long_text_is_refused_with_a_french_message(client):
    client.force_login(animator())
    response = client.post(reverse("news:create"), _form(body="x" * 50_001))
    assert response.status_code == 200
    assert "au plus 50" in response.content.decode()
    assert not Article.objects.exists()


def test_too_many_tags_are_refused(client):
    client.force_login(animator())
    response = client.post(reverse("news:create"), _form(tags="a, b, c, d, e, f"))
    assert "Au plus 5 étiquettes" in response.content.decode()
    assert not Article.objects.exists()


def test_markup_in_an_article_never_runs(client):
    writer = animator()
    article = article_create(author=writer, body=f"Texte {XSS} [lien](javascript:alert(1))")
    page = client.get(article.get_absolute_url()).content.decode()
    assert XSS not in page
    assert "javascript:" not in page


def test_the_cover_is_rebuilt_without_its_metadata(client, media_root):
    client.force_login(animator())
    response = client.post(reverse("news:create"), {**_form(), "cover_upload": jpeg_with_gps()})
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.cover.name.endswith(".webp")
    with article.cover.open("rb") as stored:
        content = stored.read()
    assert b"GPS" not in content and b"Exif" not in content


def test_a_wrong_cover_is_refused_and_nothing_is_saved(client, media_root):
    client.force_login(animator())
    response = client.post(reverse("news:create"), {**_form(), "cover_upload": text_renamed_png()})
    assert response.status_code == 200
    assert not Article.objects.exists()
    assert not list(media_root.rglob("*.webp"))


def test_a_stale_edit_is_refused_and_keeps_the_text(client):
    writer = animator()
    article = article_create(author=writer, title="Version 1")
    client.force_login(writer)
    form = client.get(reverse("news:edit", args=[article.pk])).context["form"]
    version = form.initial["version"]
    other = _form(title="Version de l’autre", version=version, publication="now")
    assert client.post(reverse("news:edit", args=[article.pk]), other).status_code == 302
    mine = _form(title="Ma version", body="Mon texte précieux", version=version)
    response = client.post(reverse("news:edit", args=[article.pk]), mine)
    assert response.status_code == 200
    assert "Mon texte précieux" in response.content.decode()
    page = response.content.decode()
    assert "Quelqu’un a enregistré ce texte le" in page
    assert "La version enregistrée entre-temps" in page
    assert "Version de l’autre" in page
    article.refresh_from_db()
    assert article.title == "Version de l’autre"
    # The next save starts from the version shown: it goes through.
    merged = _form(
        title="Fusion", body="Mon texte précieux", version=response.context["form"].data["version"]
    )
    assert client.post(reverse("news:edit", args=[article.pk]), merged).status_code == 302
    article.refresh_from_db()
    assert article.title == "Fusion"


def test_unpublishing_takes_the_article_back(client):
    writer = animator()
    article = article_create(author=writer)
    client.force_login(writer)
    form = client.get(reverse("news:edit", args=[article.pk])).context["form"]
    data = {**form.initial, "tags": form.initial["tags"], "publication": "draft"}
    data = {key: ("" if value is None else value) for key, value in data.items()}
    assert client.post(reverse("news:edit", args=[article.pk]), data).status_code == 302
    client.logout()
    assert client.get(article.get_absolute_url()).status_code == 404


def test_a_coordinator_writes_for_the_council_and_it_shows_on_its_page(client):
    council = council_create()
    coordinator = coordinator_of(council)
    client.force_login(coordinator)
    response = client.post(reverse("news:council_create", args=[council.slug]), _form())
    assert response.status_code == 302
    article = Article.objects.get()
    assert article.council == council
    client.logout()
    assert "Les budgets participatifs" in client.get(council.get_absolute_url()).content.decode()
    national = client.get(reverse("news:index")).content.decode()
    assert "Les budgets participatifs" in national  # "In the councils" block
    assert "Les budgets participatifs" in client.get(reverse("home")).content.decode()


def test_delete_asks_first_then_deletes(client):
    writer = animator()
    article = article_create(author=writer)
    client.force_login(writer)
    page = client.get(reverse("news:delete", args=[article.pk])).content.decode()
    assert "Supprimer l’article" in page
    assert Article.objects.filter(pk=article.pk).exists()
    client.post(reverse("news:delete", args=[article.pk]))
    assert not Article.objects.filter(pk=article.pk).exists()


def test_tag_filter_and_pagination(client, django_assert_max_num_queries):
    writer = animator()
    for number in range(12):
        article_create(author=writer, title=f"Titre {number}", tags=["Logement"])
    article_create(author=writer, title="Sans étiquette", tags=[])
    with django_assert_max_num_queries(8):
        first = client.get(reverse("news:index"), {"etiquette": "logement"})
    text = first.content.decode()
    assert "Sans étiquette" not in text
    assert "Page 1 sur 2" in text
    second = client.get(reverse("news:index"), {"etiquette": "logement", "page": 2})
    assert "etiquette=logement&amp;page=1" in second.content.decode()


@pytest.mark.parametrize("count", [1, 30])
def test_list_pages_have_a_fixed_query_count(client, django_assert_max_num_queries, count):
    writer = animator()
    council = council_create()
    coordinator = coordinator_of(council)
    for _number in range(count):
        article_create(author=writer)
        article_create(author=coordinator, council=council)
    client.force_login(writer)
    # Signed in, each page also reads the session from the database and
    # counts the notifications' bell (one query each).
    with django_assert_max_num_queries(13):
        client.get(reverse("news:index"))
    with django_assert_max_num_queries(12):
        client.get(reverse("news:councils"))
    with django_assert_max_num_queries(12):
        client.get(reverse("news:council", args=[council.slug]))
    with django_assert_max_num_queries(6):
        client.get(reverse("news:feed"))


def test_a_tag_gathers_national_and_council_articles(client):
    council = council_create()
    article_create(author=animator(), title="Nationale jardin", tags=["Jardin"])
    article_create(
        author=coordinator_of(council), council=council, title="Du conseil jardin", tags=["Jardin"]
    )
    article_create(author=animator(), title="Autre sujet", tags=["Budget"])
    page = client.get(reverse("news:index"), {"etiquette": "jardin"}).content.decode()
    assert "Nationale jardin" in page and "Du conseil jardin" in page
    assert "Autre sujet" not in page
    unknown = client.get(reverse("news:index"), {"etiquette": "nulle-part"}).content.decode()
    assert "Aucun article avec cette étiquette." in unknown
    assert "Autre sujet" not in unknown


def test_after_an_error_the_form_asks_for_the_cover_again(client):
    client.force_login(animator())
    response = client.post(
        reverse("news:create"),
        {
            **_form(publication="later", publish_at="2020-01-01T10:00"),
            "cover_upload": jpeg_with_gps(),
        },
    )
    assert "Choisissez à nouveau l’image" in response.content.decode()
    assert not Article.objects.exists()


def test_an_edit_is_announced_as_saved_and_not_as_updated_right_away(client):
    writer = animator()
    article = article_create(author=writer)
    page = client.get(article.get_absolute_url()).content.decode()
    assert "mis à jour" not in page
    client.force_login(writer)
    form = client.get(reverse("news:edit", args=[article.pk])).context["form"]
    assert "publish_at" not in form.fields  # published: keep or unpublish only
    data = {k: ("" if v is None else v) for k, v in form.initial.items() if k != "publish_at"}
    response = client.post(reverse("news:edit", args=[article.pk]), data, follow=True)
    assert "L’article est enregistré." in response.content.decode()


def test_article_text_is_rendered_before_any_row_is_locked(render_depths):
    from news import services

    depths = render_depths("news.services")
    author = animator()
    article = article_create(author=author, body="Premier **jet**")
    services.article_update(
        actor=author,
        article=article,
        title=article.title,
        summary=article.summary,
        body="Texte *revu*",
        tags=[],
        published_at=article.published_at,
    )
    assert depths == [0, 0]
    article.refresh_from_db()
    assert article.body_html == "<p>Texte <em>revu</em></p>"

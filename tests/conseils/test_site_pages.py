"""The showcase's editable pages: everyone reads them, only the national
animation writes them; every save keeps a revision, a stale save loses
nothing, an old version comes back, the text is sanitised."""

from __future__ import annotations

import html

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from common.markdown import render_markdown
from conseils import services
from conseils.demo_pages import seed_pages
from conseils.forms import SitePageForm
from conseils.models import BODY_MAX_LENGTH, SitePage, SitePageRevision
from conseils.permissions import can_edit_site_pages
from conseils.site_pages_data import PAGES
from tests.accounts.factories import XSS, UserFactory
from tests.conseils.factories import animator
from tests.councils.factories import coordinator_of, council_create, member_of, referent_of
from tests.hostile import markup_of
from tests.scripts import without_site_scripts

pytestmark = pytest.mark.django_db

NBSP = "\u00a0"
LEGAL = "mentions-legales"


def _page(slug: str = LEGAL) -> SitePage:
    return SitePage.objects.get(slug=slug)


def _text(response) -> str:
    return html.unescape(response.content.decode())


def _form_data(page: SitePage, **changes) -> dict:
    data = {
        "title": page.title,
        "summary": page.summary,
        "body": page.body,
        "change_summary": "",
        "version": page.version,
    }
    data.update(changes)
    return data


def _snapshot() -> list[tuple]:
    """What the database holds for the pages, to show a refusal changed nothing."""
    pages = list(SitePage.objects.order_by("pk").values_list("slug", "title", "body", "version"))
    revisions = list(SitePageRevision.objects.order_by("pk").values_list("pk", "body"))
    return [*pages, *revisions]


# Reading.


@pytest.mark.parametrize("data", PAGES, ids=[data.slug for data in PAGES])
def test_every_page_is_created_and_renders_its_content(client, data):
    response = client.get(f"/{data.slug}/")
    assert response.status_code == 200
    text = _text(response)
    assert f"<h1>{data.title}</h1>" in text
    assert f'<meta name="description" content="{data.summary}">' in text
    page = SitePage.objects.get(slug=data.slug)
    assert page.revisions.get().number == 1  # the migration's first revision
    assert page.body_html in response.content.decode()
    assert "<h2>" in page.body_html and "<h1" not in page.body_html
    # The day in France: between 23:00 and midnight UTC, already the next one.
    assert f"Mise à jour le {timezone.localtime(page.updated_at).day}" in text
    assert "Modifier la page" not in text
    assert "<script" not in without_site_scripts(text)
    assert reverse(data.url_name) == f"/{data.slug}/"


@pytest.mark.parametrize(
    ("url_name", "words"),
    [
        ("councils_about", "Qui siège dans un conseil"),
        ("about", "Chaque conseil est autonome"),
        ("faq", "ni les personnes référentes, ni les autres conseils"),
        ("legal_notice", "Logiciels libres"),
        ("accessibility", "RGAA 4.1"),
        ("personal_data", "Vos droits"),
    ],
)
def test_pages_keep_their_french_content_and_names(client, url_name, words):
    assert words in _text(client.get(reverse(url_name)))


def test_faq_answers_the_usual_questions(client):
    text = _text(client.get(reverse("faq")))
    assert text.count("<h2>") >= 8
    for question in (
        f"Qui peut rejoindre un conseil{NBSP}?",
        f"Est-ce payant{NBSP}?",
        f"Qui lit ce que j’écris dans l’espace de mon conseil{NBSP}?",
        f"Comment supprimer mon compte{NBSP}?",
    ):
        assert f"<h2>{question}</h2>" in text
    assert 'href="/mes-donnees/"' in text


def test_footer_links_to_about_and_faq(client):
    text = _text(client.get(reverse("home")))
    assert f'<a href="{reverse("about")}">À propos</a>' in text
    assert f'<a href="{reverse("faq")}">Questions fréquentes</a>' in text


def test_missing_page_answers_404(client):
    _page().delete()
    assert client.get(reverse("legal_notice")).status_code == 404
    client.force_login(animator())
    assert client.get(reverse("site_page_edit", kwargs={"slug": LEGAL})).status_code == 404


def test_the_animator_sees_the_edit_link(client):
    client.force_login(animator())
    text = _text(client.get(reverse("legal_notice")))
    assert "Modifier la page" in text
    assert reverse("site_page_edit", kwargs={"slug": LEGAL}) in text
    assert reverse("site_page_history", kwargs={"slug": LEGAL}) in text


@pytest.mark.parametrize("role", ["anonymous", "registered", "animator"])
def test_page_view_queries_do_not_grow_with_the_history(
    client, django_assert_max_num_queries, role
):
    page, writer = _page(), animator()
    for number in range(30):
        page = services.site_page_update(
            actor=writer,
            page=page,
            title=page.title,
            summary=page.summary,
            body=f"{page.body}\n\nAjout {number}",
            based_on=page.version,
        )
    if role != "anonymous":
        client.force_login(writer if role == "animator" else UserFactory())
    # At most six, whatever the history's length: the session (read from the
    # database), the user, the animator check, the unread notifications, the page.
    with django_assert_max_num_queries(6):
        response = client.get(reverse("legal_notice"))
    assert "Ajout 29" in response.content.decode()


def test_history_queries_do_not_grow_with_revisions(client, django_assert_max_num_queries):
    page, writer = _page(), animator()
    client.force_login(writer)
    for number in range(20):
        page = services.site_page_update(
            actor=animator(),
            page=page,
            title=page.title,
            summary=page.summary,
            body=f"Texte {number}",
            based_on=page.version,
        )
    # The session is read from the database (not the cache): one query.
    with django_assert_max_num_queries(7):
        response = client.get(reverse("site_page_history", kwargs={"slug": LEGAL}))
    assert response.content.decode().count("Rétablir cette version") == 20


# Who may write.

ROLES = [
    "anonymous",
    "registered",
    "member",
    "coordinator",
    "referent",
    "superuser",
    "animator",
]


@pytest.fixture
def people():
    council = council_create()
    return {
        "anonymous": None,
        "registered": UserFactory(),
        "member": member_of(council),
        "coordinator": coordinator_of(council),
        "referent": referent_of("59"),
        "superuser": UserFactory(is_superuser=True, is_staff=True),
        "animator": animator(),
    }


def _writer_urls():
    slug = {"slug": LEGAL}
    return [
        ("get", reverse("site_page_edit", kwargs=slug)),
        ("post", reverse("site_page_edit", kwargs=slug)),
        ("get", reverse("site_page_history", kwargs=slug)),
        ("get", reverse("site_page_restore", kwargs={**slug, "number": 1})),
        ("post", reverse("site_page_restore", kwargs={**slug, "number": 1})),
    ]


@pytest.mark.parametrize("role", ROLES)
def test_only_the_animator_edits_reads_history_and_restores(client, people, role):
    user = people[role]
    if user is not None:
        client.force_login(user)
    page = _page()
    page = services.site_page_update(
        actor=animator(),
        page=page,
        title=page.title,
        summary=page.summary,
        body="Version 2",
        based_on=1,
    )
    before = _snapshot()
    for method, url in _writer_urls():
        data = _form_data(page, body=f"Piraté {XSS}") if method == "post" else None
        response = getattr(client, method)(url, data)
        if role == "animator":
            assert response.status_code in (200, 302), (method, url)
        elif role == "anonymous":
            assert response.status_code == 302, (method, url)
            assert response["Location"].startswith(reverse("account_login"))
        else:
            assert response.status_code == 404, (method, url)
        if role != "animator":
            assert _snapshot() == before
    assert can_edit_site_pages(user or _anonymous()) is (role == "animator")
    assert client.get(reverse("legal_notice")).status_code == 200  # everyone reads


def _anonymous():
    from django.contrib.auth.models import AnonymousUser

    return AnonymousUser()


@pytest.mark.parametrize("role", ["registered", "member", "referent", "superuser"])
def test_services_refuse_who_may_not_write(people, role):
    page = _page()
    before = _snapshot()
    with pytest.raises(PermissionDenied):
        services.site_page_update(
            actor=people[role],
            page=page,
            title="Autre",
            summary="",
            body="Autre texte",
            based_on=page.version,
        )
    with pytest.raises(PermissionDenied):
        services.site_page_restore(actor=people[role], page=page, revision=page.revisions.get())
    assert _snapshot() == before


# Writing.


def test_edit_form_has_the_markdown_editor_without_image_upload(client):
    client.force_login(animator())
    text = client.get(reverse("site_page_edit", kwargs={"slug": LEGAL})).content.decode()
    assert 'class="markdownx-editor' in text
    assert "data-markdownx-urls-path" in text  # the live preview
    assert "data-markdownx-upload-urls-path" not in text
    assert "markdownx-preview" in text
    assert 'name="version" value="1"' in text
    assert "markdownx/js/markdownx" in text


def test_saving_keeps_a_revision_and_sanitises_the_text(client):
    writer = animator(display_name="Nadia Benali")
    client.force_login(writer)
    page = _page()
    body = f"# Éditeur\n\nBonjour {XSS} [piège](javascript:alert(1)) <img src=x onerror=alert(1)>"
    response = client.post(
        reverse("site_page_edit", kwargs={"slug": LEGAL}),
        _form_data(page, title="Mentions", body=body, change_summary="Nouvel éditeur"),
        follow=True,
    )
    assert response.redirect_chain[-1][0] == reverse("legal_notice")
    text = response.content.decode()
    assert "Page enregistrée" in text
    assert "<script" not in without_site_scripts(text)
    assert "javascript:" not in text and "onerror" not in markup_of(text)
    assert "<h2>Éditeur</h2>" in text and "<h1>Mentions</h1>" in text
    page.refresh_from_db()
    assert (page.version, page.title, page.body, page.updated_by) == (2, "Mentions", body, writer)
    revision = page.revisions.first()
    assert (revision.number, revision.body, revision.author) == (2, body, writer)
    assert revision.change_summary == "Nouvel éditeur"
    assert page.revisions.count() == 2


def test_saving_the_same_text_writes_no_revision(client):
    client.force_login(animator())
    page = _page()
    client.post(reverse("site_page_edit", kwargs={"slug": LEGAL}), _form_data(page))
    page.refresh_from_db()
    assert page.version == 1 and page.revisions.count() == 1


def test_a_stale_save_is_refused_and_keeps_the_typed_text(client):
    first, second = animator(display_name="Nadia Benali"), animator()
    page = _page()
    edit_url = reverse("site_page_edit", kwargs={"slug": LEGAL})
    client.force_login(first)
    assert client.post(edit_url, _form_data(page, body="Texte de Nadia")).status_code == 302

    client.force_login(second)
    before = _snapshot()
    mine = "Mon texte très travaillé\n\nsur deux paragraphes"
    response = client.post(edit_url, _form_data(page, body=mine, title="Mon titre"))
    assert response.status_code == 200
    text = _text(response)
    assert "Nadia Benali a enregistré ce texte le" in text
    assert "pendant que vous écriviez. Votre texte est conservé dans le formulaire" in text
    assert mine in text and 'value="Mon titre"' in text
    assert "+ Texte de Nadia" in text  # what she changed
    assert 'name="version" value="2"' in text  # the next save goes on top of hers
    assert _snapshot() == before

    response = client.post(edit_url, _form_data(page, body=mine, version=2))
    assert response.status_code == 302
    page.refresh_from_db()
    assert (page.version, page.body, page.updated_by) == (3, mine, second)


def test_a_stale_service_call_writes_nothing():
    page = _page()
    writer = animator()
    services.site_page_update(actor=writer, page=page, title="A", summary="", body="A", based_on=1)
    before = _snapshot()
    with pytest.raises(ValidationError) as error:
        services.site_page_update(
            actor=writer, page=page, title="B", summary="", body="B", based_on=1
        )
    assert error.value.code == "stale"
    assert _snapshot() == before


def test_too_long_texts_are_refused_in_french(client):
    client.force_login(animator())
    page = _page()
    before = _snapshot()
    response = client.post(
        reverse("site_page_edit", kwargs={"slug": LEGAL}),
        _form_data(page, body="a" * (BODY_MAX_LENGTH + 1), title="t" * 201),
    )
    assert response.status_code == 200
    text = _text(response)
    assert f"Ce texte fait 100001 caractères{NBSP}; la limite est de 100000." in text
    assert f"Ce texte fait 201 caractères{NBSP}; la limite est de 200." in text
    assert _snapshot() == before


def test_an_empty_text_is_refused():
    form = SitePageForm(data={"title": "T", "summary": "", "body": "  ", "version": 1})
    assert not form.is_valid()
    assert "Écrivez quelque chose avant d’enregistrer." in form.errors["body"]


# History and restore.


def test_history_lists_versions_and_restore_brings_one_back(client):
    writer = animator(display_name="Nadia Benali")
    client.force_login(writer)
    page = _page()
    original = page.body
    edit_url = reverse("site_page_edit", kwargs={"slug": LEGAL})
    client.post(edit_url, _form_data(page, body="Erreur", change_summary=f"Oups {XSS}"))

    history = client.get(reverse("site_page_history", kwargs={"slug": LEGAL}))
    text = history.content.decode()
    assert "Oups &lt;script&gt;" in text and "<script" not in without_site_scripts(text)
    assert "Nadia Benali" in text
    restore_url = reverse("site_page_restore", kwargs={"slug": LEGAL, "number": 1})
    assert restore_url in text

    confirm = _text(client.get(restore_url))
    assert "Rétablir la version 1 de «" in confirm
    page.refresh_from_db()
    assert page.body == "Erreur"  # asking does not restore

    response = client.post(restore_url, follow=True)
    assert "La version 1 est rétablie." in _text(response)
    page.refresh_from_db()
    assert (page.body, page.version) == (original, 3)
    assert page.revisions.first().change_summary == "Retour à la version 1"
    assert page.revisions.count() == 3


def test_restoring_another_pages_revision_is_refused(client):
    writer = animator()
    other = _page("a-propos").revisions.get()
    with pytest.raises(ValidationError):
        services.site_page_restore(actor=writer, page=_page(), revision=other)
    client.force_login(writer)
    response = client.post(reverse("site_page_restore", kwargs={"slug": LEGAL, "number": 7}))
    assert response.status_code == 404


# Demo data.


def test_seed_pages_puts_back_missing_pages_and_is_idempotent():
    _page().delete()
    nadia = animator()
    assert seed_pages(demo_users={"animation": nadia}) == [
        "Site pages: 1 created, 5 already there."
    ]
    page = _page()
    assert page.updated_by == nadia and page.revisions.get().author == nadia
    assert "Logiciels libres" in page.body_html
    assert seed_pages(demo_users={}) == ["Site pages: 0 created, 6 already there."]
    assert SitePage.objects.count() == len(PAGES) == 6


def test_admin_lists_the_pages_read_only(client, people):
    client.force_login(people["superuser"])
    changelist = client.get(reverse("admin:conseils_sitepage_changelist"))
    assert changelist.status_code == 200
    assert "Mentions légales" in changelist.content.decode()
    assert client.get(reverse("admin:conseils_sitepage_add")).status_code == 403
    change = client.post(
        reverse("admin:conseils_sitepage_change", args=[_page().pk]), {"title": "Piraté"}
    )
    assert change.status_code == 403
    assert _page().title == "Mentions légales"


def test_page_text_is_rendered_before_any_row_is_locked(render_depths):
    render_depths("conseils.models")  # SitePage.save(), if it rendered again
    depths = render_depths("conseils.services")
    page, writer = _page(), animator()
    page = services.site_page_update(
        actor=writer,
        page=page,
        title=page.title,
        summary=page.summary,
        body="Nouveau **texte**",
        based_on=page.version,
    )
    services.site_page_restore(actor=writer, page=page, revision=page.revisions.get(number=1))
    assert depths == [0, 0]
    page.refresh_from_db()
    assert page.body_html == render_markdown(page.revisions.get(number=1).body)

"""Who sees which account page, and what a public profile shows."""

from __future__ import annotations

import pytest
from django.urls import reverse

from accounts.models import User
from tests.accounts.factories import XSS, UserFactory

pytestmark = pytest.mark.django_db

PRIVATE_PAGES = [
    ("accounts:profile", "get"),
    ("accounts:profile_edit", "get"),
    ("accounts:my_data", "get"),
    ("accounts:my_data_export", "post"),
    ("accounts:account_delete", "get"),
]


@pytest.mark.parametrize(("url_name", "method"), PRIVATE_PAGES)
def test_anonymous_visitors_are_sent_to_login(client, url_name, method):
    url = reverse(url_name)
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert response.url.startswith(reverse("account_login"))


def test_export_is_post_only(client):
    client.force_login(UserFactory())
    assert client.get(reverse("accounts:my_data_export")).status_code == 405


def test_profile_edit_only_touches_ones_own_account(client):
    owner = UserFactory(display_name="Propriétaire")
    other = UserFactory(display_name="Quelqu'un d'autre")
    client.force_login(owner)

    client.post(
        reverse("accounts:profile_edit"), {"display_name": "Nom changé", "bio": "", "town": ""}
    )

    owner.refresh_from_db()
    other.refresh_from_db()
    assert owner.display_name == "Nom changé"
    assert other.display_name == "Quelqu'un d'autre"


def test_display_name_cannot_be_blank(client):
    user = UserFactory(display_name="Nom")
    client.force_login(user)
    response = client.post(reverse("accounts:profile_edit"), {"display_name": "   "})
    assert response.status_code == 200
    assert "Indiquez le nom que les autres verront." in response.content.decode()
    user.refresh_from_db()
    assert user.display_name == "Nom"


def test_too_long_presentation_is_refused_and_kept(client):
    user = UserFactory(bio="")
    client.force_login(user)
    long_bio = "a" * 601
    response = client.post(
        reverse("accounts:profile_edit"), {"display_name": "Nom", "bio": long_bio, "town": ""}
    )
    assert response.status_code == 200
    assert long_bio in response.content.decode()
    user.refresh_from_db()
    assert user.bio == ""


def test_public_profile_shows_only_published_fields(client):
    user = UserFactory(
        bio="Présentation secrète",
        town="Ville publiée",
        publish_profile=True,
        publish_bio=False,
        publish_town=True,
    )
    page = client.get(user.get_absolute_url()).content.decode()
    assert "Ville publiée" in page
    assert "Présentation secrète" not in page
    assert user.email not in page


def test_public_profile_escapes_user_text(client):
    user = UserFactory(publish_profile=True, publish_bio=True, publish_town=True)
    page = client.get(user.get_absolute_url()).content.decode()
    assert XSS not in page
    assert "&lt;script&gt;" in page


def test_public_profile_of_an_inactive_or_missing_account_is_not_found(client):
    user = UserFactory(is_active=False)
    assert client.get(user.get_absolute_url()).status_code == 404
    assert client.get(reverse("accounts:public_profile", args=[999_999])).status_code == 404


def test_another_user_sees_only_the_public_fields(client):
    owner = UserFactory(bio="Privée", publish_profile=True, publish_bio=False)
    client.force_login(UserFactory())
    page = client.get(owner.get_absolute_url()).content.decode()
    assert "Privée" not in page


def test_account_delete_page_is_refused_without_a_fresh_password(client):
    user = UserFactory()
    client.force_login(user)
    response = client.post(reverse("accounts:account_delete"), {"confirmation": "SUPPRIMER"})
    assert response.status_code == 302
    assert User.objects.filter(pk=user.pk).exists()


def test_the_log_in_and_sign_up_pages_speak_the_site_s_french(client):
    """allauth's pages take the site's words (accounts/allauth_wording.py),
    not "Courriel" nor "merci de vous enregistrer au préalable"."""
    login = client.get(reverse("account_login")).content.decode()
    signup = client.get(reverse("account_signup")).content.decode()
    for page in (login, signup):
        assert "Adresse e-mail" in page and "Courriel" not in page
    assert f'Pas encore de compte\u00a0? <a href="{reverse("account_signup")}' in login
    assert "au préalable" not in login
    assert "Vous avez déjà un compte\u00a0?" in signup and "donc" not in signup


def test_the_sign_up_page_says_create_my_account_and_links_to_personal_data(client):
    page = client.get(reverse("account_signup")).content.decode()
    assert '<button class="button" type="submit">Créer mon compte</button>' in " ".join(
        page.split()
    ).replace("> ", ">").replace(" <", "<")
    assert f'<a href="{reverse("personal_data")}">données personnelles</a>' in page

"""A public profile shows only if its owner chose to publish it: nobody walks
/membres/1/, /membres/2/… to collect names, staff accounts included. A
profile nobody may see answers the same 404 as a missing number, and names
link to it only where it is published."""

from __future__ import annotations

import json
import re

import pytest
from django.urls import reverse
from django.utils.html import escape

from accounts.models import User
from tests.accounts.exports import response_zip
from tests.accounts.factories import UserFactory
from tests.councils.factories import coordinator_of, council_create, member_of, referent_of
from tests.forums.factories import reply_in, topic_in
from tests.news.factories import animator

pytestmark = pytest.mark.django_db

NOT_PUBLIC = "Votre profil n’est pas public"


def _profile(pk: int) -> str:
    return reverse("accounts:public_profile", args=[pk])


def _page(response, pk: int) -> str:
    """The page, but for the address asked (in the header's login link) and
    the form's one-time CSRF value."""
    page = response.content.decode().replace(_profile(pk), "/membres/N/")
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", page)


def _answers_like_a_missing_number(client, user: User) -> None:
    shown = client.get(_profile(user.pk))
    missing = client.get(_profile(999_999))
    assert shown.status_code == missing.status_code == 404
    assert _page(shown, user.pk) == _page(missing, 999_999)
    assert escape(user.display_name) not in shown.content.decode()


def test_an_unpublished_profile_is_a_missing_one_for_everyone_but_its_owner(client):
    council = council_create()
    owner = member_of(council, UserFactory(town="Ville zqville", publish_town=True))
    assert not owner.publish_profile
    _answers_like_a_missing_number(client, owner)
    for viewer in (UserFactory(), member_of(council), member_of(council_create())):
        client.force_login(viewer)
        _answers_like_a_missing_number(client, owner)
    client.force_login(owner)
    page = client.get(_profile(owner.pk))
    assert page.status_code == 200
    assert NOT_PUBLIC in page.content.decode()


def test_the_owner_publishes_the_profile_from_the_edit_form(client):
    owner = UserFactory(town="Ville zqville", bio="Ma présentation")
    client.force_login(owner)
    form = client.get(reverse("accounts:profile_edit")).content.decode()
    assert "Rendre mon profil public" in form
    assert re.search(r'<input type="checkbox" name="publish_profile"(?![^>]*checked)', form)
    response = client.post(
        reverse("accounts:profile_edit"),
        {"display_name": "Awa T.", "town": "Ville zqville", "publish_profile": "on"},
    )
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.publish_profile
    client.logout()
    page = client.get(_profile(owner.pk)).content.decode()
    assert "Awa T." in page
    # Publishing the profile shows the name; each field still needs its own choice.
    assert "zqville" not in page and "Ma présentation" not in page
    assert NOT_PUBLIC not in page


def test_unpublishing_hides_the_profile_again(client):
    owner = UserFactory(publish_profile=True)
    assert client.get(_profile(owner.pk)).status_code == 200
    client.force_login(owner)
    client.post(reverse("accounts:profile_edit"), {"display_name": "Awa T.", "town": ""})
    owner.refresh_from_db()
    assert not owner.publish_profile
    client.logout()
    _answers_like_a_missing_number(client, owner)


@pytest.mark.parametrize("role", ["animator", "referent", "superuser", "coordinator"])
def test_staff_profiles_stay_hidden_unless_their_owner_chose_it(client, role):
    person = {
        "animator": animator,
        "referent": referent_of,
        "superuser": lambda: UserFactory(is_superuser=True, is_staff=True),
        "coordinator": lambda: coordinator_of(council_create()),
    }[role]()
    person.publish_town = True
    person.save(update_fields=["publish_town"])
    _answers_like_a_missing_number(client, person)
    client.force_login(UserFactory())
    _answers_like_a_missing_number(client, person)
    person.publish_profile = True
    person.save(update_fields=["publish_profile"])
    assert client.get(_profile(person.pk)).status_code == 200


def test_a_published_profile_of_a_closed_account_is_gone(client):
    owner = UserFactory(publish_profile=True, is_active=False)
    _answers_like_a_missing_number(client, owner)


def test_the_export_says_whether_the_profile_is_public(client):
    owner = UserFactory(publish_profile=True)
    client.force_login(owner)
    response = client.post(reverse("accounts:my_data_export"))
    data = json.loads(response_zip(response).read("donnees.json"))
    assert data["account"]["published_on_public_profile"]["profile"] is True


# Where names are shown: a link only to a profile the reader may open.


def _profile_links(page: str) -> set[int]:
    return {int(pk) for pk in re.findall(r'href="/membres/(\d+)/"', page)}


@pytest.fixture
def talk(settings):
    settings.FORUM_NEW_ACCOUNT_DAYS = 0
    settings.FORUM_APPROVE_FIRST_POSTS = 0
    council = council_create()
    public = member_of(council, UserFactory(publish_profile=True))
    hidden = coordinator_of(council)
    topic = topic_in(council.forum, public, title="Budget", body="Premier message")
    reply_in(topic, hidden, body="Une réponse")
    return council, public, hidden, topic


def test_names_link_only_to_published_profiles(client, talk):
    council, public, hidden, topic = talk
    reader = member_of(council)
    client.force_login(reader)
    for url in (
        topic.get_absolute_url(),
        reverse("councils:members", args=[council.slug]),
        reverse("councils:space", args=[council.slug]),
    ):
        page = client.get(url).content.decode()
        assert hidden.pk not in _profile_links(page), url
        assert escape(hidden.display_name) in page, url
    topic_page = client.get(topic.get_absolute_url()).content.decode()
    members_page = client.get(reverse("councils:members", args=[council.slug])).content.decode()
    assert public.pk in _profile_links(topic_page)
    assert public.pk in _profile_links(members_page)
    # Its owner reaches their own profile from their name.
    client.force_login(hidden)
    assert hidden.pk in _profile_links(client.get(topic.get_absolute_url()).content.decode())


@pytest.mark.parametrize("count", [2, 40])
def test_names_cost_no_query_per_author(client, django_assert_max_num_queries, talk, count):
    council, public, _hidden, topic = talk
    for index in range(count - 2):
        author = member_of(council, UserFactory(publish_profile=index % 2 == 0))
        reply_in(topic, author, body=f"Message {index}")
    client.force_login(public)
    # 12 with the session, read from the database.
    with django_assert_max_num_queries(12):
        assert client.get(topic.get_absolute_url()).status_code == 200
    with django_assert_max_num_queries(9):
        assert client.get(reverse("councils:members", args=[council.slug])).status_code == 200

"""Later apps plug into "Mes données" through the registry, without editing accounts."""

from __future__ import annotations

import pytest
from django.template import Context, Template
from django.urls import reverse

from accounts import personal_data
from accounts.models import User
from accounts.personal_data import ExportPart, PersonalDataSection
from accounts.services import account_delete
from tests.accounts.exports import exported
from tests.accounts.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def forum_section(monkeypatch):
    """A section as an app registers it from AppConfig.ready."""
    erased = []
    section = PersonalDataSection(
        key="example_app",
        export=lambda user: ExportPart(data={"posts": [f"Message de {user.email}"]}),
        erase=lambda user: erased.append(user.email),
    )
    monkeypatch.setattr(personal_data, "_sections", {**personal_data._sections})
    personal_data.register(section)
    return erased


def test_registered_sections_are_exported(forum_section):
    user = UserFactory(email="lina@exemple.test")
    data = exported(user)
    assert data["example_app"] == {"posts": ["Message de lina@exemple.test"]}
    assert data["account"]["email"] == "lina@exemple.test"


def test_registered_sections_erase_before_the_account_goes(forum_section):
    user = UserFactory(email="yanis@exemple.test")
    account_delete(user=user)
    assert forum_section == ["yanis@exemple.test"]
    assert not User.objects.filter(email="yanis@exemple.test").exists()


def test_a_key_cannot_be_registered_twice_with_other_functions(forum_section):
    with pytest.raises(ValueError, match="already registered"):
        personal_data.register(PersonalDataSection(key="example_app", export=lambda user: None))


def test_contributions_of_a_deleted_account_are_signed_compte_supprime():
    template = Template("{% load accounts_tags %}{{ author|author_name }}")
    assert template.render(Context({"author": None})) == "compte supprimé"
    author = UserFactory(display_name="Awa")
    assert template.render(Context({"author": author})) == "Awa"


def test_my_data_page_explains_both_actions(client):
    client.force_login(UserFactory())
    page = client.get(reverse("accounts:my_data")).content.decode()
    assert "Télécharger mes données" in page
    assert "Supprimer mon compte" in page

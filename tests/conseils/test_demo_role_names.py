"""The demo shows both forms of the role names: its coordinator is a
« coordinatrice », its referent a « référent »."""

from __future__ import annotations

import pytest
from django.utils import translation

from accounts.models import GrammaticalGender, User
from accounts.wording import COORDINATOR, REFERENT, role_name
from conseils import demo

pytestmark = pytest.mark.django_db


def test_demo_accounts_show_the_feminine_and_the_masculine_forms():
    demo._seed_demo_accounts()
    coordinator = User.objects.get(email=f"coordination-a@{demo.DOMAIN}")
    referent = User.objects.get(email=f"referent@{demo.DOMAIN}")
    resident = User.objects.get(email=f"habitant@{demo.DOMAIN}")
    assert resident.grammatical_gender == GrammaticalGender.UNSPECIFIED
    with translation.override("fr"):
        assert role_name(COORDINATOR, coordinator) == "coordinatrice"
        assert role_name(REFERENT, referent) == "référent"


def test_the_demo_residents_are_named_as_their_first_name_suggests():
    demo._seed_population(60)
    genders = {
        user.display_name.split()[0]: user.grammatical_gender
        for user in User.objects.filter(email__endswith=f"@habitants.{demo.DOMAIN}")
    }
    assert len(genders) > 10
    for first_name, gender in genders.items():
        if first_name == "Camille":
            assert gender == GrammaticalGender.UNSPECIFIED
        elif first_name in demo.FEMININE_FIRST_NAMES:
            assert gender == GrammaticalGender.FEMININE, first_name
        else:
            assert gender == GrammaticalGender.MASCULINE, first_name
    assert {GrammaticalGender.FEMININE, GrammaticalGender.MASCULINE} <= set(genders.values())

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

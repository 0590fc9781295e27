"""Factories for accounts. Text fields carry markup by default, so every page
that shows them is tested against injection."""

from __future__ import annotations

import factory
from allauth.account.models import EmailAddress

from accounts.models import User

XSS = '<script>alert("x")</script>'
# Line breaks Python's e-mail package refuses in a header: titles and subjects
# made through the services (no form cleans them there) carry them into the
# notifications and e-mails built from them.
LINE_BREAKS = "\x0b\u2028"
PASSWORD = "un-mot-de-passe-solide-2026"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"personne{n}@exemple.test")
    display_name = factory.Sequence(lambda n: f"Personne {n} {XSS}")
    bio = f"Présentation {XSS}"
    town = f"Roubaix {XSS}"

    @factory.post_generation
    def password(self, create, extracted, **kwargs):
        self.set_password(extracted or PASSWORD)
        if create:
            self.save(update_fields=["password"])

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            EmailAddress.objects.create(user=self, email=self.email, verified=True, primary=True)

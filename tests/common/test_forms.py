"""The base of every form (common.forms): control characters are taken out
of one-line fields and refused in longer texts, with a French message that
keeps what was typed; and no form of the site is left without that base."""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import pytest
from allauth.account import app_settings as allauth_settings
from allauth.account import forms as allauth_forms
from allauth.utils import get_form_class
from django import forms
from django.apps import apps
from django.conf import settings
from django.http import QueryDict
from django.utils import translation

from common.forms import ControlCharactersMixin, Form
from common.text import first_invisible, one_line, without_invisible
from common.widgets import MarkdownEditor
from forums.forms import PostForm
from tests.hostile import CONTROL_CHARACTERS, LINE_BREAKS_IN_HEADERS

REFUSED = "Ce texte contient des caractères invisibles non autorisés"


class Sample(Form):
    name = forms.CharField(max_length=100)
    email = forms.EmailField(required=False)
    slug = forms.SlugField(required=False)
    key = forms.CharField(widget=forms.HiddenInput, required=False)
    body = forms.CharField(widget=forms.Textarea, required=False)
    password = forms.CharField(widget=forms.PasswordInput, required=False, strip=False)


def _errors(form) -> list[str]:
    with translation.override("fr"):
        return [str(error) for errors in form.errors.values() for error in errors]


@pytest.mark.parametrize(
    "character", CONTROL_CHARACTERS, ids=[hex(ord(c)) for c in CONTROL_CHARACTERS]
)
def test_a_one_line_field_turns_each_control_character_into_a_space(character):
    form = Sample({"name": f"Jean{character}Dupont", "key": f"a{character}b"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Jean Dupont"
    assert form.cleaned_data["key"] == "a b"


def test_a_run_of_them_and_the_spaces_around_make_one_space_and_the_ends_go():
    form = Sample(
        {
            "name": "\u2028 Jean \x0b\x0c\x1c \x85 Dupont\x00\t",
            "email": "\x0bawa@exemple.test\u2029",
            "slug": "\x00conseil-alma\x1f",
        }
    )
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == "Jean Dupont"
    assert form.cleaned_data["email"] == "awa@exemple.test"
    assert form.cleaned_data["slug"] == "conseil-alma"


def test_an_address_with_line_breaks_in_quotes_no_longer_reaches_a_header():
    """Django's address check lets ``"a\\x0bb"@…`` through (a quoted local part):
    that address in To: made the e-mail impossible to build. With the space
    instead, it is an address Django refuses, clearly."""
    form = Sample({"name": "Awa", "email": '"awa\x0btraore"@exemple.test'})
    assert not form.is_valid()
    assert _errors(form) == ["Saisissez une adresse de courriel valide."]
    assert form["email"].value() == '"awa traore"@exemple.test'


def test_a_longer_text_keeps_tabs_and_line_breaks():
    body = "Bonjour,\r\n\tà jeudi.\n\nAwa"
    form = Sample({"name": "Awa", "body": body})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["body"] == body


@pytest.mark.parametrize(
    "character",
    [c for c in CONTROL_CHARACTERS if c not in "\t\r\n"],
    ids=[hex(ord(c)) for c in CONTROL_CHARACTERS if c not in "\t\r\n"],
)
def test_a_longer_text_with_any_other_is_refused_in_french_where_it_is(character):
    form = Sample({"name": "Awa", "body": f"Première ligne\nDe{character}uxième ligne"})
    assert not form.is_valid()
    # One message, NUL included (Django's own NUL check does not say it again).
    assert _errors(form) == [
        f"{REFUSED} (le premier est à la ligne 2, caractère 3). Ils viennent souvent "
        "d’un copier-coller\xa0: retapez ce passage, puis envoyez-le à nouveau."
    ]


def test_the_page_shown_again_keeps_the_text_and_shows_the_cleaned_line():
    data = QueryDict(mutable=True)
    data.update({"name": "Jean\x0bDupont", "body": "Texte\u2028gardé"})
    form = Sample(data)
    assert not form.is_valid()
    assert form["body"].value() == "Texte\u2028gardé"  # as typed, to correct
    assert form["name"].value() == "Jean Dupont"
    assert data["name"] == "Jean\x0bDupont"  # the request's data is not changed


def test_passwords_are_compared_as_typed():
    form = Sample({"name": "Awa", "password": " mot\x0bde\u2028passe "})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["password"] == " mot\x0bde\u2028passe "


def test_fields_given_in_init_and_the_markdown_editor_are_covered():
    class Later(Form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["title"] = forms.CharField()
            self.fields["text"] = forms.CharField(widget=MarkdownEditor)

    form = Later({"title": "Budget\u20292027", "text": "**Budget**\x0c2027"})
    assert not form.is_valid()
    assert form.errors["text"]
    assert form.cleaned_data["title"] == "Budget 2027"


@pytest.mark.django_db
def test_a_forum_message_in_the_forum_editor_is_refused():
    from tests.forums.factories import national_forum

    form = PostForm({"body": "Bonjour\x0bà tous"}, forum=national_forum())
    assert not form.is_valid()
    assert REFUSED in " ".join(_errors(form))


def test_validating_twice_gives_the_same_answer():
    form = Sample({"name": "Jean\x0bDupont", "body": "a\x0bb"})
    form.full_clean()
    form.full_clean()
    assert form.cleaned_data["name"] == "Jean Dupont"
    assert len(_errors(form)) == 1


def test_the_text_tools_say_what_they_do():
    assert one_line("a\x0b\x0cb \u2028 c") == "a b c"
    assert one_line("pas de contrôle, espaces  gardés") == "pas de contrôle, espaces  gardés"
    assert first_invisible("ligne\n\tligne\r\n") is None
    assert first_invisible("ab\x85") == 2
    assert without_invisible("a\x00b\n\tc\u2028\u2029d") == "a b\n\tc d"


def test_the_hostile_lists_hold_every_line_break_that_breaks_a_header():
    """What Python's e-mail package refuses in a header: str.splitlines's breaks."""
    breaks = {c for c in map(chr, range(0x3000)) if len(f"a{c}b".splitlines()) > 1}
    assert breaks == set(LINE_BREAKS_IN_HEADERS)
    assert breaks <= set(CONTROL_CHARACTERS)


# Every form of the site goes through the base.


# Not forms, and not to import twice: settings, servers' entry points, migrations.
SKIPPED_MODULES = (".migrations", ".management", ".settings", ".wsgi", ".asgi")


def _project_modules():
    root = Path(settings.BASE_DIR).resolve()
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        # The project's own apps: under its folder, not installed packages
        # (a virtual environment may live in that folder too).
        if not path.is_relative_to(root) or "site-packages" in path.parts:
            continue
        yield importlib.import_module(config.name)
        for module in pkgutil.walk_packages([config.path], prefix=f"{config.name}."):
            if any(part in module.name for part in SKIPPED_MODULES):
                continue
            yield importlib.import_module(module.name)


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_every_form_of_the_sites_apps_derives_from_the_base():
    project_apps = {module.__name__.split(".")[0] for module in _project_modules()}
    found = {
        form
        for form in _subclasses(forms.BaseForm)
        if form.__module__.split(".")[0] in project_apps
    }
    assert len(found) > 30  # the walk did find the site's forms
    missing = sorted(
        f"{form.__module__}.{form.__qualname__}"
        for form in found
        if not issubclass(form, ControlCharactersMixin)
    )
    assert not missing, (
        "Derive these from common.forms.Form or ModelForm (control characters): "
        + ", ".join(missing)
    )


# allauth's forms that take an address (it is e-mailed): through the base too.
ALLAUTH_ADDRESS_FORMS = {
    "login": allauth_forms.LoginForm,
    "signup": allauth_forms.SignupForm,
    "add_email": allauth_forms.AddEmailForm,
    "change_email": allauth_forms.ChangeEmailForm,
    "reset_password": allauth_forms.ResetPasswordForm,
    "request_login_code": allauth_forms.RequestLoginCodeForm,
}


def test_allauths_forms_that_take_an_address_go_through_the_base():
    with_address = {
        form
        for form in vars(allauth_forms).values()
        if isinstance(form, type)
        and issubclass(form, forms.BaseForm)
        and any(isinstance(f, forms.EmailField) for f in form.base_fields.values())
    }
    for form in with_address:
        assert any(issubclass(default, form) for default in ALLAUTH_ADDRESS_FORMS.values()), form
    for key, default in ALLAUTH_ADDRESS_FORMS.items():
        used = get_form_class(allauth_settings.FORMS, key, default)
        assert issubclass(used, default), key
        assert issubclass(used, ControlCharactersMixin), key


def test_cleaning_a_long_run_of_spaces_takes_linear_time():
    """A pattern that started at every space backtracked over the rest of the
    run: 40,000 spaces held a worker for 6 s, on a form anyone may post."""
    import time

    from common.text import one_line

    started = time.process_time()
    cleaned = one_line(" " * 1_000_000 + "a" + " " * 1_000_000 + "\x0b b")
    assert time.process_time() - started < 1
    assert cleaned == " " * 1_000_000 + "a" + " b"
    assert one_line("Jean \x0b\u2028 Dupont") == "Jean Dupont"
    assert one_line("Jean  Dupont") == "Jean  Dupont"

"""The base of every form of the site: control characters never get past it.

One-line text fields (a name, a subject, an address, a hidden key) lose them
silently: each run becomes a space (see ``common.text.one_line``), so the
value saved and e-mailed is the one the writer meant. Longer texts (a
``Textarea``, the markdown editor) keep tab, carriage return and newline and
are refused with a French message for any other, the text kept as typed.
Password fields are left alone: what they hold is compared, never shown.

Every form of the project's apps derives from ``Form`` or ``ModelForm`` (held
by ``tests/common/test_forms.py``); allauth's forms get it through
``ACCOUNT_FORMS`` and the sign-up form class.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import ProhibitNullCharactersValidator
from django.utils.translation import gettext_lazy as _

from . import text

ERROR_INVISIBLE = _(
    "This text contains invisible characters that are not allowed (the first one is "
    "on line %(line)s, character %(column)s). They often come from a copy and paste: "
    "type that passage again, then send it again."
)


def refuse_invisible(value: str) -> None:
    """The validator of longer texts: tab, carriage return and newline only."""
    position = text.first_invisible(value)
    if position is None:
        return
    line_start = value.rfind("\n", 0, position) + 1
    raise ValidationError(
        ERROR_INVISIBLE,
        code="invisible_characters",
        params={"line": value.count("\n", 0, position) + 1, "column": position - line_start + 1},
    )


def is_one_line(field: forms.Field) -> bool:
    return (
        isinstance(field, forms.CharField)
        and not isinstance(field.widget, (forms.Textarea, forms.PasswordInput))
        and not field.disabled
    )


def is_longer_text(field: forms.Field) -> bool:
    return isinstance(field, forms.CharField) and isinstance(field.widget, forms.Textarea)


class ControlCharactersMixin:
    """Cleans one-line fields and refuses control characters in longer ones,
    for whatever fields the form holds when it is validated (those a form's
    ``__init__`` adds or gives another widget included)."""

    def full_clean(self) -> None:
        if self.is_bound:
            self.data = self._data_on_one_line()
            for field in self.fields.values():
                if is_longer_text(field) and refuse_invisible not in field.validators:
                    # Django's own NUL check would say the same thing twice.
                    field.validators[:] = [
                        validator
                        for validator in field.validators
                        if not isinstance(validator, ProhibitNullCharactersValidator)
                    ]
                    field.validators.append(refuse_invisible)
        super().full_clean()

    def _data_on_one_line(self):
        """A copy of the submitted data, its one-line fields cleaned (the
        page shown again with errors shows them cleaned too)."""
        data = self.data.copy()
        for name, field in self.fields.items():
            key = self.add_prefix(name)
            if not is_one_line(field) or key not in data:
                continue
            if hasattr(data, "setlist"):
                data.setlist(key, [_one_line(value) for value in data.getlist(key)])
            else:
                data[key] = _one_line(data[key])
        return data


def _one_line(value):
    return text.one_line(value) if isinstance(value, str) else value


class Form(ControlCharactersMixin, forms.Form):
    pass


class ModelForm(ControlCharactersMixin, forms.ModelForm):
    pass

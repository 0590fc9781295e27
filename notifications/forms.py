from __future__ import annotations

from django import forms

from common.forms import Form

from . import registry
from .models import Notification


class PreferencesForm(Form):
    """One choice per kind of notification: at once, in the digest, or on
    the site only."""

    label_suffix = ""

    def __init__(self, *args, current: dict[str, str], **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        for kind in registry.optional_kinds():
            self.fields[kind.key] = forms.ChoiceField(
                label=kind.label,
                help_text=kind.help_text,
                choices=Notification.Delivery.choices,
                widget=forms.RadioSelect,
                initial=current.get(kind.key, kind.default),
            )

    def choices(self) -> dict[str, str]:
        return {key: value for key, value in self.cleaned_data.items() if value}

"""The site-wide form renderer (one markup for every field, label and error)
and the form of the showcase's editable pages."""

from __future__ import annotations

from django import forms
from django.forms.renderers import TemplatesSetting
from django.utils.translation import gettext_lazy as _

from common.forms import Form
from common.widgets import MarkdownEditor

from .models import (
    BODY_MAX_LENGTH,
    CHANGE_SUMMARY_MAX_LENGTH,
    SUMMARY_MAX_LENGTH,
    TITLE_MAX_LENGTH,
)


class SiteFormRenderer(TemplatesSetting):
    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


TOO_LONG = _("This text is %(show_value)s characters long; the limit is %(limit_value)s.")


class SitePageForm(Form):
    """An editable page of the showcase. ``version`` is the version the writer
    started from, to refuse a save made on top of someone else's."""

    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        error_messages={"required": _("Give the page a title."), "max_length": TOO_LONG},
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("One or two sentences, shown by search engines and the site search."),
        error_messages={"max_length": TOO_LONG},
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX_LENGTH,
        widget=MarkdownEditor(attrs={"rows": 20}),
        help_text=_(
            "Markdown: ## for a heading, **bold**, *italics*, lists with -, "
            "links [text](https://…)."
        ),
        error_messages={"required": _("Write something before saving."), "max_length": TOO_LONG},
    )
    change_summary = forms.CharField(
        label=_("What did you change? (optional)"),
        max_length=CHANGE_SUMMARY_MAX_LENGTH,
        required=False,
        help_text=_("Shown in the page's history."),
        error_messages={"max_length": TOO_LONG},
    )
    version = forms.IntegerField(widget=forms.HiddenInput, min_value=0, max_value=2**31 - 1)

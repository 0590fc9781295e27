"""Forms of the files pages; they validate, the services write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from common.forms import Form

from .models import NAME_MAX_LENGTH


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one plain form (no JavaScript needed)."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            if not data:
                raise forms.ValidationError(self.error_messages["required"], code="required")
            return [single(item, initial) for item in data]
        return [single(data, initial)]


class UploadForm(Form):
    files = MultipleFileField(
        label=_("Files to add"),
        help_text=_(
            "One or several files: PDF, OpenDocument or Office documents, images, text, CSV. "
            "20 MB at most each."
        ),
        error_messages={"required": _("Choose at least one file.")},
    )
    as_new_versions = forms.BooleanField(
        label=_("When a file of the same name is already here, add it as a new version"),
        required=False,
    )


class FolderForm(Form):
    name = forms.CharField(label=_("Name of the new folder"), max_length=NAME_MAX_LENGTH)


class RenameForm(Form):
    name = forms.CharField(label=_("New name"), max_length=NAME_MAX_LENGTH)


class PageForm(Form):
    title = forms.CharField(label=_("Title"), max_length=NAME_MAX_LENGTH)
    body = forms.CharField(
        label=_("Text"),
        max_length=50_000,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text=_("Markdown: **bold**, *italics*, lists with -, titles with ##."),
        error_messages={"required": _("Write something before saving.")},
    )
    summary = forms.CharField(
        label=_("What did you change? (optional)"), max_length=200, required=False
    )
    based_on = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ResourceForm(Form):
    folder = forms.ModelChoiceField(label=_("Shelf"), queryset=None)
    title = forms.CharField(label=_("Title"), max_length=NAME_MAX_LENGTH)
    description = forms.CharField(
        label=_("What it is for (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    file = forms.FileField(label=_("File"))

    def __init__(self, *args, **kwargs):
        from .models import ResourceFolder

        super().__init__(*args, **kwargs)
        self.fields["folder"].queryset = ResourceFolder.objects.all()


class ResourceFilterForm(Form):
    q = forms.CharField(label=_("Search the resources"), required=False, max_length=100)
    dossier = forms.IntegerField(required=False, widget=forms.HiddenInput)


class ShareForm(Form):
    council = forms.ModelChoiceField(
        label=_("Share with the council"),
        queryset=None,
        help_text=_("Its members will read this folder and its files; they cannot change them."),
    )

    def __init__(self, *args, exclude, **kwargs):
        from councils.models import Council

        super().__init__(*args, **kwargs)
        self.fields["council"].queryset = (
            Council.objects.active().exclude(pk=exclude.pk).order_by("sort_key", "pk")
        )


class MoveForm(Form):
    destination = forms.ModelChoiceField(
        label=_("Move to"),
        queryset=None,
        required=False,
        empty_label=_("The council's files (top)"),
    )

    def __init__(self, *args, folders, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["destination"].queryset = folders

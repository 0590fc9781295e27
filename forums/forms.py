"""Forms of the forum pages; they validate, the services write."""

from __future__ import annotations

import secrets

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from common.forms import Form, ModelForm
from common.widgets import UPLOAD_ATTRIBUTE, MarkdownEditor

from .models import POST_MAX_LENGTH, REASON_MAX_LENGTH, TITLE_MAX_LENGTH, Forum

MARKDOWN_HELP = _(
    "Markdown: **bold**, *italics*, lists with -, > to quote, links [text](https://…). "
    "Write @ and someone's name to tell them (the first name is enough when "
    "no one else here has it)."
)


class ForumEditorWidget(MarkdownEditor):
    """markdownx's editor, sending its images to the forum being written in
    (the upload address markdownx takes from a setting is the same for all)."""

    editor_help = _("The preview appears below as you type; drop an image on the text to add it.")

    def __init__(self, *args, upload_url: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.upload_url = upload_url

    def add_markdownx_attrs(self, attrs):
        attrs = super().add_markdownx_attrs(attrs)
        attrs.pop("data-no-upload-message", None)
        attrs[UPLOAD_ATTRIBUTE] = self.upload_url
        return attrs


def _use_forum_editor(form: forms.Form, forum: Forum | None) -> None:
    if forum is not None:
        field = form.fields["body"]
        field.widget = ForumEditorWidget(
            upload_url=reverse("forums:editor_image", kwargs={"slug": forum.slug}),
            attrs={"rows": 8},
        )
        # What the field gave its first widget (maxlength: the preview's limit)
        # the new one needs too.
        field.widget.attrs.update(field.widget_attrs(field.widget))


class PostForm(Form):
    """A message. ``submission_key`` is drawn when the form is shown: sent twice,
    the same key gives one message."""

    body = forms.CharField(
        label=_("Your message"),
        max_length=POST_MAX_LENGTH,
        help_text=MARKDOWN_HELP,
        widget=MarkdownEditor(attrs={"rows": 8}),
        error_messages={
            "required": _("Write a message before sending it."),
            "max_length": _(
                "This message is %(show_value)s characters long; the limit is %(limit_value)s."
            ),
        },
    )
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)

    def __init__(self, *args, forum: Forum | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission_key"].initial = secrets.token_urlsafe(24)
        _use_forum_editor(self, forum)


class TopicForm(PostForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX_LENGTH,
        help_text=_("A short sentence that says what the discussion is about."),
    )
    field_order = ["title", "body", "submission_key"]


class EditForm(Form):
    body = PostForm.base_fields["body"]
    reason = forms.CharField(
        label=_("Reason for the change (sent to the author)"),
        max_length=REASON_MAX_LENGTH,
        required=False,
    )

    def __init__(self, *args, by_moderator: bool = False, forum: Forum | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        _use_forum_editor(self, forum)
        if by_moderator:
            self.fields["body"].label = _("Message")
            self.fields["reason"].required = True
            self.fields["reason"].error_messages["required"] = _(
                "Give a reason: the author will read it."
            )
        else:
            del self.fields["reason"]


class ReasonForm(Form):
    reason = forms.CharField(
        label=_("Reason"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Give a reason: the author will read it.")},
    )


class ReportForm(Form):
    reason = forms.CharField(
        label=_("What is wrong with this message?"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Only the moderators read your report."),
        error_messages={"required": _("Say in a few words why you report this message.")},
    )


class ForumChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, forum: Forum) -> str:
        return f"{forum.name} ({forum.get_audience_display()})"


class MoveForm(Form):
    forum = ForumChoiceField(
        label=_("Move to"),
        queryset=Forum.objects.none(),
        help_text=_(
            "In brackets, who reads each forum: moving the topic to a forum read by "
            "more people shows it to them."
        ),
    )
    reason = forms.CharField(label=_("Reason"), max_length=REASON_MAX_LENGTH, required=False)

    def __init__(self, *args, forums, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["forum"].queryset = forums


class NationalForumForm(ModelForm):
    class Meta:
        model = Forum
        fields = ["name", "description", "category", "audience", "position"]


class SearchForm(Form):
    q = forms.CharField(label=_("Search the forums"), max_length=100, required=False)

from __future__ import annotations

import secrets
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.forms import Form
from common.images import reencode_image
from common.widgets import MarkdownEditor

from .models import BODY_MAX_LENGTH, SUMMARY_MAX_LENGTH, TITLE_MAX_LENGTH, Article
from .services import parse_tags

COVER_WIDTH_PX = 1200

PUBLISH_DRAFT = "draft"
PUBLISH_NOW = "now"
PUBLISH_LATER = "later"


class ArticleForm(Form):
    label_suffix = ""
    title = forms.CharField(label=_("Title"), max_length=TITLE_MAX_LENGTH)
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_MAX_LENGTH,
        help_text=_("One or two sentences, shown in lists and in the feed."),
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body = forms.CharField(
        label=_("Text"),
        max_length=BODY_MAX_LENGTH,
        help_text=_(
            "Markdown: **bold**, *italics*, lists with -, links [text](https://…), "
            "## for a heading."
        ),
        widget=MarkdownEditor(attrs={"rows": 14}),
    )
    tags = forms.CharField(
        label=_("Tags"),
        required=False,
        help_text=_("Separated by commas, for example: budget, youth, housing."),
    )
    cover_upload = forms.FileField(
        label=_("Cover image"),
        required=False,
        help_text=_("JPEG, PNG, WebP or GIF, 5 MB at most. Its metadata (GPS…) is removed."),
        widget=forms.ClearableFileInput(
            attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}
        ),
    )
    remove_cover = forms.BooleanField(label=_("Remove the cover image"), required=False)
    cover_alt = forms.CharField(
        label=_("What the image shows"),
        required=False,
        max_length=200,
        help_text=_("For people who cannot see it. Leave empty if it is only decorative."),
    )
    publication = forms.ChoiceField(
        label=_("Publication"),
        widget=forms.RadioSelect,
        choices=[
            (PUBLISH_DRAFT, _("Keep as a draft (only the editors see it)")),
            (PUBLISH_NOW, _("Publish now")),
            (PUBLISH_LATER, _("Publish at a set time")),
        ],
        initial=PUBLISH_DRAFT,
    )
    publish_at = forms.DateTimeField(
        label=_("Publication time"),
        required=False,
        help_text=_("Paris time. The article appears by itself at that time."),
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )
    # The version the editor started from (stale saves are refused).
    version = forms.CharField(widget=forms.HiddenInput, required=False)
    # One article per form, however many times it is sent.
    submission_key = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, article: Article | None = None, **kwargs):
        self.article = article
        if article is not None and "initial" not in kwargs:
            kwargs["initial"] = self.initial_from(article)
        super().__init__(*args, **kwargs)
        if article is None:
            self.fields["submission_key"].initial = secrets.token_urlsafe(16)
        if article is None or not article.cover:
            del self.fields["remove_cover"]
        if article is not None and article.status == Article.Status.PUBLISHED:
            self.fields["publication"].choices = [
                (PUBLISH_NOW, _("Keep it published")),
                (PUBLISH_DRAFT, _("Unpublish: back to draft")),
            ]
            del self.fields["publish_at"]

    @staticmethod
    def initial_from(article: Article) -> dict:
        if article.published_at is None:
            publication = PUBLISH_DRAFT
        elif article.status == Article.Status.SCHEDULED:
            publication = PUBLISH_LATER
        else:
            publication = PUBLISH_NOW
        return {
            "title": article.title,
            "summary": article.summary,
            "body": article.body,
            "tags": ", ".join(tag.name for tag in article.tags.all()),
            "cover_alt": article.cover_alt,
            "publication": publication,
            "publish_at": timezone.localtime(article.published_at)
            if article.published_at
            else None,
            "version": article.updated_at.isoformat(),
        }

    def clean_tags(self) -> list[str]:
        return parse_tags(self.cleaned_data["tags"])

    def clean_cover_upload(self):
        uploaded = self.cleaned_data.get("cover_upload")
        if not uploaded:
            return None
        return reencode_image(uploaded, size=COVER_WIDTH_PX, square=False, name="cover")

    def clean_version(self) -> datetime | None:
        try:
            return datetime.fromisoformat(self.cleaned_data["version"])
        except (TypeError, ValueError):
            return None

    def clean(self):
        cleaned = super().clean()
        choice = cleaned.get("publication")
        publish_at = cleaned.get("publish_at")
        now = timezone.now()
        if choice == PUBLISH_LATER:
            if publish_at is None:
                self.add_error("publish_at", _("Give the publication time."))
            elif publish_at <= now:
                self.add_error(
                    "publish_at",
                    _("This time has passed: choose a time to come, or “Publish now”."),
                )
            else:
                cleaned["published_at"] = publish_at
        elif choice == PUBLISH_NOW:
            already = self.article is not None and self.article.status == Article.Status.PUBLISHED
            cleaned["published_at"] = self.article.published_at if already else now
        else:
            cleaned["published_at"] = None
        return cleaned

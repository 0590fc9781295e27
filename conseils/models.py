"""The showcase's editable pages (about, legal notice, FAQ…) and their revisions.

The national animation writes them in the site; each save keeps a revision, so
that a bad edit can be undone.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from common.markdown import render_markdown

from .site_pages_data import URL_NAMES

TITLE_MAX_LENGTH = 200
SUMMARY_MAX_LENGTH = 300
BODY_MAX_LENGTH = 100_000
CHANGE_SUMMARY_MAX_LENGTH = 200


class SitePage(models.Model):
    """One page of the showcase. ``version`` grows by one at each save; a
    writer who started from an older version is refused (nothing is lost)."""

    slug = models.SlugField(_("address"), max_length=80, unique=True)
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    summary = models.CharField(
        _("summary"),
        max_length=SUMMARY_MAX_LENGTH,
        blank=True,
        help_text=_("One or two sentences, shown by search engines and the site search."),
    )
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    # Rendered and sanitised once, when saved; the page shows it as is.
    body_html = models.TextField(editable=False)
    updated_at = models.DateTimeField(_("updated at"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("updated by"),
    )
    version = models.PositiveIntegerField(_("version"), default=1)

    class Meta:
        verbose_name = _("site page")
        verbose_name_plural = _("site pages")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title

    def save(self, *args, **kwargs):
        if getattr(self, "_rendered_body", None) != self.body:
            self.body_html = render_markdown(self.body)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "body" in update_fields:
            kwargs["update_fields"] = {*update_fields, "body_html"}
        super().save(*args, **kwargs)

    def get_absolute_url(self) -> str:
        return reverse(URL_NAMES[self.slug])

    def get_edit_url(self) -> str:
        return reverse("site_page_edit", kwargs={"slug": self.slug})

    def get_history_url(self) -> str:
        return reverse("site_page_history", kwargs={"slug": self.slug})

    def set_body(self, body: str, *, html: str) -> None:
        """Take ``body`` and its rendering, made by ``render_markdown`` before
        the caller's transaction (no lock is held while markdown renders);
        ``save()`` keeps it while the text is the same."""
        self.body, self.body_html = body, html
        self._rendered_body = body


class SitePageRevision(models.Model):
    """What a page said after one save: its title, summary and text."""

    page = models.ForeignKey(
        SitePage, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("page")
    )
    number = models.PositiveIntegerField(_("number"))
    title = models.CharField(_("title"), max_length=TITLE_MAX_LENGTH)
    summary = models.CharField(_("summary"), max_length=SUMMARY_MAX_LENGTH, blank=True)
    body = models.TextField(_("text"), max_length=BODY_MAX_LENGTH)
    change_summary = models.CharField(
        _("summary of the change"), max_length=CHANGE_SUMMARY_MAX_LENGTH, blank=True
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("created at"), default=timezone.now)

    class Meta:
        verbose_name = _("site page revision")
        verbose_name_plural = _("site page revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="one_site_page_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.page} v{self.number}"

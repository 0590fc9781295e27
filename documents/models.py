"""A council's shared files: folders, documents and their versions.

Files live under ``private/`` in the storage and are only ever sent by the
download view, after a permission check. Deleted folders and documents go to
a trash for 30 days (``deleted_at``); coordinators restore them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase

from common.search_vector import StoredSearchVectorField
from councils.models import Council

NAME_MAX_LENGTH = 150


class LiveQuerySet(models.QuerySet):
    def live(self):
        return self.filter(deleted_at__isnull=True)

    def in_trash(self):
        return self.filter(deleted_at__isnull=False)


class Folder(models.Model):
    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="folders", verbose_name=_("council")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent folder"),
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("folder")
        verbose_name_plural = _("folders")
        ordering = ["name", "pk"]
        default_permissions = ()
        permissions = [("read_folder", _("Read the shared folder"))]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "parent", "name"],
                condition=Q(deleted_at__isnull=True),
                name="one_live_folder_name_per_place",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("documents:folder", kwargs={"slug": self.council.slug, "pk": self.pk})


def version_upload_to(version: DocumentVersion, filename: str) -> str:
    # Under private/: nginx refuses it; only the download view sends it.
    return f"private/documents/{version.document.council_id}/{uuid.uuid4().hex}.{version.kind}"


class Document(models.Model):
    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="documents", verbose_name=_("council")
    )
    folder = models.ForeignKey(
        Folder,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
        verbose_name=_("folder"),
    )
    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    current_version = models.ForeignKey(
        "DocumentVersion", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    download_count = models.PositiveIntegerField(default=0)
    # Published by a coordinator: on the council's public page and the list
    # of the councils' publications, downloadable by anyone.
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "folder", "name"],
                condition=Q(deleted_at__isnull=True),
                name="one_live_document_name_per_place",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("documents:document", kwargs={"slug": self.council.slug, "pk": self.pk})


# The kinds of version that get a thumbnail.
IMAGE_KINDS = ("gif", "jpg", "png", "webp")


def thumbnail_upload_to(version: DocumentVersion, filename: str) -> str:
    return f"private/thumbnails/{version.document.council_id}/{uuid.uuid4().hex}.webp"


class DocumentVersion(models.Model):
    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    file = models.FileField(upload_to=version_upload_to, max_length=300)
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    # Made by a Celery task for images; pages show the file name until it exists.
    thumbnail = models.FileField(upload_to=thumbnail_upload_to, max_length=300, blank=True)
    # Set when the image could not be reduced and never will be (undecodable,
    # too many pixels, file gone): the sweep of missing thumbnails skips it.
    thumbnail_failed_at = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="one_version_number")
        ]
        indexes = [
            # What the sweep of missing thumbnails reads every minute.
            models.Index(
                fields=["created_at"],
                condition=Q(thumbnail="", thumbnail_failed_at__isnull=True, kind__in=IMAGE_KINDS),
                name="version_thumbnail_missing",
            )
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number}"


class Page(models.Model):
    """A page the council's members write together ("écriture collaborative").
    Each save is a revision; ``current`` is the latest."""

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="pages", verbose_name=_("council")
    )
    title = models.CharField(_("title"), max_length=NAME_MAX_LENGTH)
    current = models.ForeignKey(
        "PageRevision", on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)
    deleted_at = models.DateTimeField(null=True, blank=True)
    published_at = models.DateTimeField(_("published on"), null=True, blank=True)
    # The site search's vector of the title (trigger and GIN index of
    # migration 0010), as for revisions. NULL on SQLite.
    search_vector = StoredSearchVectorField(specs=("title:A",))

    objects = LiveQuerySet.as_manager()

    class Meta:
        verbose_name = _("page")
        verbose_name_plural = _("pages")
        ordering = ["title", "pk"]
        # The site search walks the most recent pages first, until it has
        # found enough that match (search.backends.PostgresBackend.recent).
        indexes = [models.Index(fields=["updated_at", "id"], name="documents_page_updated")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("documents:page", kwargs={"slug": self.council.slug, "pk": self.pk})


class PageRevision(models.Model):
    page = models.ForeignKey(Page, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    body = models.TextField(max_length=50_000)
    body_html = models.TextField()
    # The site search's vector of the text, kept by PostgreSQL (trigger and GIN
    # index of migration 0007). NULL on SQLite.
    search_vector = StoredSearchVectorField(specs=("body:C",))
    summary = models.CharField(_("summary of the change"), max_length=200, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("revision")
        verbose_name_plural = _("revisions")
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["page", "number"], name="one_revision_number")
        ]

    def __str__(self) -> str:
        return f"{self.page} r{self.number}"


class ResourceFolder(models.Model):
    """A shelf of the national resource library (guides, practical sheets)."""

    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH, unique=True)
    description = models.CharField(_("description"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("resource folder")
        verbose_name_plural = _("resource folders")
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


def resource_upload_to(resource: Resource, filename: str) -> str:
    # Public, but sent by the download view, which counts downloads.
    return f"private/resources/{uuid.uuid4().hex}.{resource.kind}"


class Resource(models.Model):
    """A file the national animation publishes for everyone."""

    folder = models.ForeignKey(
        ResourceFolder, on_delete=models.PROTECT, related_name="resources", verbose_name=_("folder")
    )
    title = models.CharField(_("title"), max_length=NAME_MAX_LENGTH)
    description = models.TextField(_("description"), max_length=1000, blank=True)
    file = models.FileField(upload_to=resource_upload_to, max_length=300)
    filename = models.CharField(max_length=NAME_MAX_LENGTH)
    kind = models.CharField(max_length=10)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField()
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    download_count = models.PositiveIntegerField(_("downloads"), default=0)

    class Meta:
        verbose_name = _("resource")
        verbose_name_plural = _("resources")
        ordering = ["-created_at", "pk"]

    def __str__(self) -> str:
        return self.title


class FolderGroupObjectPermission(GroupObjectPermissionBase):
    """A folder shared read-only with another council: a grant to that
    council's members group (guardian's direct foreign key to the folder)."""

    content_object = models.ForeignKey(Folder, on_delete=models.CASCADE)
    shared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    shared_at = models.DateTimeField(default=timezone.now)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False

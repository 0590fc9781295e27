"""Territories, councils, their members and everything that records who joined.

Councils carry guardian object permissions through two groups each (members,
coordinators) and direct grants to referents; ``services`` is the only code
that grants or withdraws them, ``permissions`` the only code that reads them.
"""

from __future__ import annotations

import uuid
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from common.search_vector import StoredSearchVectorField

NAME_MAX_LENGTH = 120
PRESENTATION_MAX_LENGTH = 10_000
JOIN_MESSAGE_MAX_LENGTH = 1_000
# The reason given with a refusal, read by the requester alone.
REFUSAL_REASON_MAX_LENGTH = 500
# An invitation's link works this long.
INVITATION_MAX_AGE = timedelta(days=14)
# A council log line's detail: an address, a role, an item's title.
DETAIL_MAX_LENGTH = 200


class Region(models.Model):
    code = models.CharField(_("INSEE code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=80)

    class Meta:
        verbose_name = _("region")
        verbose_name_plural = _("regions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Department(models.Model):
    code = models.CharField(_("INSEE code"), max_length=3, unique=True)
    name = models.CharField(_("name"), max_length=80)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="departments", verbose_name=_("region")
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["code"]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"


def council_logo_upload_to(council: Council, filename: str) -> str:
    return f"councils/logos/{uuid.uuid4().hex}.webp"


class CouncilQuerySet(models.QuerySet):
    def active(self) -> CouncilQuerySet:
        return self.filter(status=Council.Status.ACTIVE)


class Council(models.Model):
    """A citizen council of one priority neighbourhood."""

    class Status(models.TextChoices):
        ACTIVE = "active", _("active")
        ARCHIVED = "archived", _("archived")

    name = models.CharField(_("name"), max_length=NAME_MAX_LENGTH)
    slug = models.SlugField(_("address"), max_length=NAME_MAX_LENGTH, unique=True)
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        related_name="councils",
        verbose_name=_("department"),
    )
    town = models.CharField(_("town"), max_length=120)
    neighbourhood_name = models.CharField(
        _("neighbourhood"),
        max_length=160,
        blank=True,
        help_text=_("The name of the priority neighbourhood (quartier prioritaire)."),
    )
    neighbourhood_code = models.CharField(
        _("neighbourhood code"),
        max_length=12,
        blank=True,
        help_text=_("Its official code, for example QP059012."),
    )
    presentation = models.TextField(
        _("presentation"), max_length=PRESENTATION_MAX_LENGTH, blank=True
    )
    # Rendered from ``presentation`` and sanitised when saved (services).
    presentation_html = models.TextField(editable=False, blank=True)
    # The site search's vector of the council's texts, kept by PostgreSQL
    # (trigger and GIN index of migration 0006): "conseil" is in every one
    # of them, and is matched and ranked without parsing them all again.
    search_vector = StoredSearchVectorField(
        specs=("name:A", "town:B", "neighbourhood_name:B", "presentation:C")
    )
    logo = models.ImageField(_("logo"), upload_to=council_logo_upload_to, blank=True)
    founded_on = models.DateField(_("date of creation"), default=timezone.localdate)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE
    )
    members_group = models.OneToOneField(
        Group,
        on_delete=models.PROTECT,
        related_name="council_as_members",
        editable=False,
        verbose_name=_("members group"),
    )
    coordinators_group = models.OneToOneField(
        Group,
        on_delete=models.PROTECT,
        related_name="council_as_coordinators",
        editable=False,
        verbose_name=_("coordinators group"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("created at"))
    # The public page's version: an edit based on an older one is refused.
    updated_at = models.DateTimeField(auto_now=True, verbose_name=_("updated at"))
    # Moved forward by every contribution in the space (services of each app).
    last_activity_at = models.DateTimeField(_("last activity"), default=timezone.now)
    archived_at = models.DateTimeField(
        null=True, blank=True, editable=False, verbose_name=_("archived on")
    )

    # Accent- and case-free copies for the directory (written by services):
    # "Roubaix" typed "rou". The directory's words go through the site
    # search's machinery (search.services.matching).
    town_key = models.CharField(max_length=120, blank=True, editable=False)
    # The name without "Conseil citoyen de", so that the directory reads A to Z.
    sort_key = models.CharField(max_length=NAME_MAX_LENGTH, blank=True, editable=False)

    objects = CouncilQuerySet.as_manager()

    class Meta:
        verbose_name = _("council")
        verbose_name_plural = _("councils")
        ordering = ["name"]
        default_permissions = ("add", "change", "delete", "view")
        permissions = [
            ("view_space", _("Read the private space")),
            ("contribute", _("Contribute to the private space")),
            ("manage_members", _("Manage memberships")),
            ("edit_council", _("Edit the public page")),
        ]
        indexes = [
            # The directory's order: active councils by name, then town.
            models.Index(fields=["status", "sort_key", "town_key"]),
            models.Index(fields=["town_key"]),
            models.Index(fields=["last_activity_at"]),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("councils:detail", kwargs={"slug": self.slug})

    def get_space_url(self) -> str:
        return reverse("councils:space", kwargs={"slug": self.slug})

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE


class CouncilUserObjectPermission(UserObjectPermissionBase):
    """Direct grants on one council (referents of its department)."""

    content_object = models.ForeignKey(Council, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        abstract = False


class CouncilGroupObjectPermission(GroupObjectPermissionBase):
    """Grants on one council to its members and coordinators groups."""

    content_object = models.ForeignKey(Council, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        abstract = False


class Membership(models.Model):
    class Role(models.TextChoices):
        MEMBER = "member", _("member")
        COORDINATOR = "coordinator", _("coordinator")

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("council")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="council_memberships",
        verbose_name=_("person"),
    )
    role = models.CharField(_("role"), max_length=12, choices=Role.choices, default=Role.MEMBER)
    joined_at = models.DateTimeField(_("member since"), default=timezone.now)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        ordering = ["council", "user__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["council", "user"], name="one_membership_per_council")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.council} ({self.get_role_display()})"

    @property
    def is_coordinator(self) -> bool:
        return self.role == self.Role.COORDINATOR


class JoinRequest(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("waiting for an answer")
        ACCEPTED = "accepted", _("accepted")
        REFUSED = "refused", _("refused")
        WITHDRAWN = "withdrawn", _("withdrawn")
        CANCELLED = "cancelled", _("cancelled: council archived")

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="join_requests", verbose_name=_("council")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="join_requests",
        verbose_name=_("person"),
    )
    message = models.TextField(_("message"), max_length=JOIN_MESSAGE_MAX_LENGTH, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    created_at = models.DateTimeField(_("sent on"), auto_now_add=True)
    decided_at = models.DateTimeField(_("answered on"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("answered by"),
    )
    # Shown to the requester and to those who manage the council's members only.
    refusal_reason = models.TextField(
        _("reason for the refusal"), max_length=REFUSAL_REASON_MAX_LENGTH, blank=True
    )

    class Meta:
        verbose_name = _("join request")
        verbose_name_plural = _("join requests")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["council", "user"],
                condition=Q(status="pending"),
                name="one_pending_join_request",
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} → {self.council}"

    @property
    def is_pending(self) -> bool:
        return self.status == self.Status.PENDING


class Invitation(models.Model):
    """An invitation sent by e-mail; its link carries a signed token."""

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="invitations", verbose_name=_("council")
    )
    email = models.EmailField(_("e-mail address"))
    role = models.CharField(
        _("role"), max_length=12, choices=Membership.Role.choices, default=Membership.Role.MEMBER
    )
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("invited by"),
    )
    created_at = models.DateTimeField(auto_now_add=True, verbose_name=_("sent on"))
    accepted_at = models.DateTimeField(null=True, blank=True, verbose_name=_("accepted on"))
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    revoked_at = models.DateTimeField(null=True, blank=True, verbose_name=_("cancelled on"))

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} → {self.council}"

    @property
    def is_open(self) -> bool:
        return self.accepted_at is None and self.revoked_at is None


class MembershipEvent(models.Model):
    """One line of a council's log: who did what, to whom or to which item, when.

    It began as the membership log (requests, arrivals, roles); what the
    council shares, publishes and throws away is written here too, through
    ``services.council_log_record``. The coordinators read it all; members
    read the lines marked ``from_outside`` on the transparency page.
    """

    class Action(models.TextChoices):
        REQUESTED = "requested", _("asked to join")
        ACCEPTED = "accepted", _("request accepted")
        REFUSED = "refused", _("request refused")
        WITHDRAWN = "withdrawn", _("request withdrawn")
        INVITED = "invited", _("invited")
        INVITATION_REVOKED = "invitation_revoked", _("invitation cancelled")
        JOINED = "joined", _("joined")
        LEFT = "left", _("left")
        REMOVED = "removed", _("removed")
        ROLE_CHANGED = "role_changed", _("role changed")
        CREATED = "created", _("council created")
        ARCHIVED = "archived", _("council archived")
        REACTIVATED = "reactivated", _("council reactivated")
        REFERENT_APPOINTED = "referent_appointed", _("referent appointed for the department")
        REFERENT_WITHDRAWN = "referent_withdrawn", _("referent withdrawn for the department")
        # What the council shares, publishes and throws away (its content):
        # ``detail`` holds the item's title, ``other_council_name`` the council
        # a folder is shared with.
        FOLDER_SHARED = "folder_shared", _("folder shared with another council")
        FOLDER_UNSHARED = "folder_unshared", _("folder no longer shared")
        FILE_PUBLISHED = "file_published", _("file made public")
        FILE_UNPUBLISHED = "file_unpublished", _("file made private again")
        PAGE_PUBLISHED = "page_published", _("page made public")
        PAGE_UNPUBLISHED = "page_unpublished", _("page made private again")
        FOLDER_TRASHED = "folder_trashed", _("folder put in the trash")
        FILE_TRASHED = "file_trashed", _("file put in the trash")
        FOLDER_RESTORED = "folder_restored", _("folder restored from the trash")
        FILE_RESTORED = "file_restored", _("file restored from the trash")
        FOLDER_DELETED = "folder_deleted", _("folder deleted for good")
        FILE_DELETED = "file_deleted", _("file deleted for good")
        ARTICLE_PUBLISHED = "article_published", _("news article published")
        ARTICLE_UNPUBLISHED = "article_unpublished", _("news article withdrawn")

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="events", verbose_name=_("council")
    )
    action = models.CharField(max_length=20, choices=Action.choices, verbose_name=_("action"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("by"),
    )
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("person concerned"),
    )
    # The invited address, the new role, the item's title...: what the line
    # needs beyond the people.
    detail = models.CharField(max_length=DETAIL_MAX_LENGTH, blank=True, verbose_name=_("detail"))
    # The council a folder was shared with, by its name then: the line stays
    # true if that council is renamed or goes.
    other_council_name = models.CharField(
        max_length=NAME_MAX_LENGTH, blank=True, verbose_name=_("other council")
    )
    # Done by the site itself (demo data, commands), not by a person whose
    # account may since have been deleted.
    by_system = models.BooleanField(default=False, verbose_name=_("done by the site"))
    # Done from outside the council: a change of membership by someone who is
    # not a coordinator (a referent, the national animation), a line about its
    # content by someone who is not a member. Shown at once to its
    # coordinators and kept in the transparency log that its members read.
    from_outside = models.BooleanField(default=False, verbose_name=_("done from outside"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("date"))

    class Meta:
        verbose_name = _("council log entry")
        verbose_name_plural = _("council log entries")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.council}: {self.get_action_display()}"

    @property
    def is_about_content(self) -> bool:
        """About a folder, file, page or article of the council, not about
        who belongs to it."""
        return self.action in CONTENT_LINES

    @property
    def content_line(self) -> str:
        """The line as a sentence ("Folder “…” shared with …"), for the
        lines about content; empty for the others. Plain text: the page that
        shows it escapes it."""
        sentence = CONTENT_LINES.get(self.action)
        if sentence is None:
            return ""
        return str(sentence) % {"title": self.detail, "council": self.other_council_name}


_Action = MembershipEvent.Action
CONTENT_LINES = {
    _Action.FOLDER_SHARED: _("Folder “%(title)s” shared with %(council)s"),
    _Action.FOLDER_UNSHARED: _("Folder “%(title)s” no longer shared with %(council)s"),
    _Action.FILE_PUBLISHED: _("File “%(title)s” made public"),
    _Action.FILE_UNPUBLISHED: _("File “%(title)s” made private again"),
    _Action.PAGE_PUBLISHED: _("Page “%(title)s” made public"),
    _Action.PAGE_UNPUBLISHED: _("Page “%(title)s” made private again"),
    _Action.FOLDER_TRASHED: _("Folder “%(title)s” put in the trash"),
    _Action.FILE_TRASHED: _("File “%(title)s” put in the trash"),
    _Action.FOLDER_RESTORED: _("Folder “%(title)s” restored from the trash"),
    _Action.FILE_RESTORED: _("File “%(title)s” restored from the trash"),
    _Action.FOLDER_DELETED: _("Folder “%(title)s” deleted for good"),
    _Action.FILE_DELETED: _("File “%(title)s” deleted for good"),
    _Action.ARTICLE_PUBLISHED: _("News article “%(title)s” published"),
    _Action.ARTICLE_UNPUBLISHED: _("News article “%(title)s” withdrawn from publication"),
}
# The lines that name another council.
SHARING_ACTIONS = frozenset({_Action.FOLDER_SHARED, _Action.FOLDER_UNSHARED})


class ReferentAssignment(models.Model):
    """A local referent for one department, appointed by the national animation."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="referent_assignments",
        verbose_name=_("referent"),
    )
    department = models.ForeignKey(
        Department,
        on_delete=models.CASCADE,
        related_name="referent_assignments",
        verbose_name=_("department"),
    )
    appointed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("appointed by"),
    )
    appointed_at = models.DateTimeField(default=timezone.now, verbose_name=_("appointed on"))

    class Meta:
        verbose_name = _("referent assignment")
        verbose_name_plural = _("referent assignments")
        ordering = ["department__code", "user__display_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "department"], name="one_assignment_per_dept")
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.department}"


class SpaceAccess(models.Model):
    """A visit to a council's private space by someone who is not a member.

    Written for the superuser in the admin and for readers of a shared folder;
    read by the council's coordinators.
    """

    council = models.ForeignKey(
        Council, on_delete=models.CASCADE, related_name="space_accesses", verbose_name=_("council")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("person"),
    )
    # The name at the time: the line must still say who, if the account goes.
    user_label = models.CharField(max_length=200, verbose_name=_("name"))
    reason = models.CharField(max_length=200, verbose_name=_("what"))
    path = models.CharField(max_length=500, verbose_name=_("page"))
    created_at = models.DateTimeField(default=timezone.now, db_index=True, verbose_name=_("date"))

    class Meta:
        verbose_name = _("access by a non-member")
        verbose_name_plural = _("accesses by non-members")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.user_label} → {self.council}"

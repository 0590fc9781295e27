"""The technical admin: read-only for councils.

Every change to a council, a membership or a referent goes through the site's
services, which keep guardian's grants, the log and the e-mails in step; an
admin edit would leave, say, a removed member still able to read the space.
A superuser who is not a member and opens a council's private data here leaves
a line in the council's transparency log."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from common.admin import ReadOnlyMixin

from . import permissions, services
from .models import (
    Council,
    Department,
    Invitation,
    JoinRequest,
    Membership,
    MembershipEvent,
    ReferentAssignment,
    Region,
    SpaceAccess,
)
from .services.transparency import space_access_title

# %(what)s names the object: "le message 12 du sujet « … »" (``space_label``).
ADMIN_REASON = _("The technical team opened %(what)s in the administration")


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """Look, don't touch: the services are the only way to write."""


class SpaceAccessLoggingAdmin(ReadOnlyAdmin):
    """Log every admin view of an object that belongs to a council's space.

    Later apps (forums, documents) reuse it for their private objects and name
    the way to the council in ``council_path`` ("forum__council"). Their list
    pages then show only the objects that belong to no council: a private one
    is opened by its number, and the visit is logged.
    """

    council_path: str = ""

    def council_of(self, obj) -> Council | None:
        if not self.council_path:
            return getattr(obj, "council", None)
        target = obj
        for name in self.council_path.split("__"):
            target = getattr(target, name, None)
            if target is None:
                return None
        return target

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        match = request.resolver_match
        listing = match is not None and match.url_name.endswith("_changelist")
        if listing and self.council_path:
            queryset = queryset.filter(**{f"{self.council_path}__isnull": True})
        return queryset

    def space_label(self, obj) -> str:
        """What was opened, as the council's transparency log names it; each
        admin names its objects ("le sujet « … »"), with titles cut by
        ``space_access_title``."""
        return str(_("%(kind)s number %(number)s")) % {
            "kind": obj._meta.verbose_name,
            "number": obj.pk,
        }

    def _record_visit(self, request, object_id) -> None:
        obj = self.get_object(request, object_id)
        council = self.council_of(obj) if obj is not None else None
        if council is not None and not permissions.can_view_space(request.user, council):
            reason = str(ADMIN_REASON) % {"what": self.space_label(obj)}
            services.space_access_record(
                council=council, user=request.user, reason=reason, path=request.path
            )

    def change_view(self, request, object_id, form_url="", extra_context=None):
        self._record_visit(request, object_id)
        return super().change_view(request, object_id, form_url, extra_context)

    def history_view(self, request, object_id, extra_context=None):
        self._record_visit(request, object_id)
        return super().history_view(request, object_id, extra_context)


@admin.register(Region)
class RegionAdmin(ReadOnlyAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


@admin.register(Department)
class DepartmentAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fields = ["user", "role", "joined_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Council)
class CouncilAdmin(SpaceAccessLoggingAdmin):
    list_display = ["name", "town", "department", "status", "last_activity_at"]
    list_filter = ["status", "department__region"]
    search_fields = ["name", "town", "neighbourhood_name"]
    list_select_related = ["department"]
    readonly_fields = ["slug", "created_at", "last_activity_at", "archived_at"]
    inlines = [MembershipInline]

    def council_of(self, obj) -> Council:
        return obj

    def space_label(self, obj) -> str:
        return str(_("the page of the council “%(name)s” and its member list")) % {
            "name": space_access_title(obj.name)
        }


@admin.register(Membership)
class MembershipAdmin(SpaceAccessLoggingAdmin):
    # A council's members list is private: opened one by one, each visit logged.
    council_path = "council"
    list_display = ["user", "council", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "council__name"]
    raw_id_fields = ["user", "council"]
    list_select_related = ["user", "council"]

    def space_label(self, obj) -> str:
        person = obj.user.display_name or obj.user.email
        return str(_("the membership of %(person)s")) % {"person": space_access_title(person)}


@admin.register(JoinRequest)
class JoinRequestAdmin(ReadOnlyAdmin):
    list_display = ["user", "council", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["user", "council", "decided_by"]
    list_select_related = ["user", "council"]


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "council", "role", "created_at", "accepted_at", "revoked_at"]
    raw_id_fields = ["council", "invited_by", "accepted_by"]
    list_select_related = ["council"]


@admin.register(MembershipEvent)
class MembershipEventAdmin(SpaceAccessLoggingAdmin):
    # A council's log names its members and the titles of its files: opened
    # one by one, each visit logged, like the memberships.
    council_path = "council"
    list_display = ["created_at", "council", "action", "actor", "subject", "detail"]
    list_filter = ["action"]
    list_select_related = ["council", "actor", "subject"]


@admin.register(ReferentAssignment)
class ReferentAssignmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "department", "appointed_at"]
    raw_id_fields = ["user", "appointed_by"]
    list_select_related = ["user", "department"]


@admin.register(SpaceAccess)
class SpaceAccessAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "council", "user_label", "reason", "path"]
    list_select_related = ["council"]

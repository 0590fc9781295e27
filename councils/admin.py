"""The technical admin. A superuser who is not a member and opens a council's
private data here leaves a line in the council's transparency log."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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

ADMIN_REASON = _("The technical team opened “%(what)s” in the administration")


class SpaceAccessLoggingAdmin(admin.ModelAdmin):
    """Log every admin view of an object that belongs to a council's space.

    Later apps (forums, documents) reuse it for their private objects and say
    how to reach the council with ``council_of``.
    """

    def council_of(self, obj) -> Council | None:
        return getattr(obj, "council", None)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        obj = self.get_object(request, object_id)
        council = self.council_of(obj) if obj is not None else None
        if council is not None and not permissions.can_view_space(request.user, council):
            reason = str(ADMIN_REASON) % {"what": obj._meta.verbose_name}
            services.space_access_record(
                council=council, user=request.user, reason=reason, path=request.path
            )
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name"]
    search_fields = ["name", "code"]


@admin.register(Department)
class DepartmentAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "region"]
    list_filter = ["region"]
    search_fields = ["name", "code"]


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    raw_id_fields = ["user"]
    readonly_fields = ["joined_at"]


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

    def has_add_permission(self, request) -> bool:
        # Councils are created by referents on the site, where the groups and
        # grants are set up by the service.
        return False


@admin.register(Membership)
class MembershipAdmin(SpaceAccessLoggingAdmin):
    list_display = ["user", "council", "role", "joined_at"]
    list_filter = ["role"]
    search_fields = ["user__email", "council__name"]
    raw_id_fields = ["user", "council"]
    list_select_related = ["user", "council"]


@admin.register(JoinRequest)
class JoinRequestAdmin(admin.ModelAdmin):
    list_display = ["user", "council", "status", "created_at"]
    list_filter = ["status"]
    raw_id_fields = ["user", "council", "decided_by"]
    list_select_related = ["user", "council"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "council", "role", "created_at", "accepted_at", "revoked_at"]
    raw_id_fields = ["council", "invited_by", "accepted_by"]
    list_select_related = ["council"]


@admin.register(MembershipEvent)
class MembershipEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "council", "action", "actor", "subject", "detail"]
    list_filter = ["action"]
    list_select_related = ["council", "actor", "subject"]

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReferentAssignment)
class ReferentAssignmentAdmin(admin.ModelAdmin):
    list_display = ["user", "department", "appointed_at"]
    raw_id_fields = ["user", "appointed_by"]
    list_select_related = ["user", "department"]

    def has_add_permission(self, request) -> bool:
        # Appointed by the national animation on the site (grants follow).
        return False


@admin.register(SpaceAccess)
class SpaceAccessAdmin(admin.ModelAdmin):
    list_display = ["created_at", "council", "user_label", "reason", "path"]
    list_select_related = ["council"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

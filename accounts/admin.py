"""The technical admin for accounts.

Nothing here lets the operator into a council's space (DESIGN: managing is
never a way in):
- groups are not edited here: each council's members and coordinators are
  groups, and ticking one would open a space with nobody's consent. The
  national animation is appointed by the actions below, which refuse to
  appoint the operator who runs them;
- nobody's password or address is set here (the operator would then log in
  as that person, or receive their reset link): a person who lost their
  password asks for a reset link, and changes their address themselves;
- e-mail addresses are read-only: marking an address verified would let the
  operator accept an invitation sent to someone else;
- groups are read-only (the services keep each council's two groups and
  their grants in step), and second factors are not added for someone else;
  a lost one may be deleted, so that its owner can set up a new one.
"""

from allauth.account.admin import EmailAddressAdmin as BaseEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin as BaseAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from django.contrib import admin, messages
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from common.admin import NoAddOrChangeMixin, ReadOnlyMixin
from common.forms import ControlCharactersMixin

from . import roles
from .models import User


class UserCreationAdminForm(ControlCharactersMixin, AdminUserCreationForm):
    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("email", "display_name")


class UserChangeAdminForm(ControlCharactersMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    add_form = UserCreationAdminForm
    form = UserChangeAdminForm
    ordering = ["email"]
    list_display = ["email", "display_name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser", "groups"]
    search_fields = ["email", "display_name"]
    readonly_fields = ["date_joined", "last_login", "groups"]
    actions = ["appoint_animators", "withdraw_animators"]
    fieldsets = [
        (None, {"fields": ["email"]}),
        (_("Profile"), {"fields": ["display_name", "avatar", "bio", "town"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["email", "display_name", "usable_password", "password1", "password2"],
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # A changed address would receive the password reset link.
        fields = super().get_readonly_fields(request, obj)
        return [*fields, "email"] if obj is not None else fields

    def user_change_password(self, request, id, form_url=""):
        raise PermissionDenied

    def _others(self, request, queryset):
        """The selected accounts but the operator's own: nobody appoints
        themselves."""
        if queryset.filter(pk=request.user.pk).exists():
            self.message_user(request, roles.ERROR_OWN_APPOINTMENT, messages.ERROR)
        return queryset.exclude(pk=request.user.pk)

    @admin.action(description=_("Appoint to the national animation"))
    def appoint_animators(self, request, queryset):
        others = list(self._others(request, queryset))
        for user in others:
            roles.animator_appoint(actor=request.user, user=user)
        if others:
            self.message_user(
                request,
                ngettext(
                    "%(count)d account appointed to the national animation.",
                    "%(count)d accounts appointed to the national animation.",
                    len(others),
                )
                % {"count": len(others)},
                messages.SUCCESS,
            )

    @admin.action(description=_("Withdraw from the national animation"))
    def withdraw_animators(self, request, queryset):
        for user in queryset:
            roles.animator_withdraw(user=user)
        self.message_user(request, _("Done."), messages.SUCCESS)


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(ReadOnlyMixin, BaseEmailAddressAdmin):
    """Read-only: an address is verified by its owner, from its mailbox."""

    actions = []


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(ReadOnlyMixin, BaseGroupAdmin):
    """Read-only: councils' groups and the animation's are the services' own."""


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(NoAddOrChangeMixin, BaseAuthenticatorAdmin):
    """Seen, and deleted when its owner lost it; never added or changed."""

"""Staff roles must set up two-factor authentication before anything else."""

from __future__ import annotations

from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from .roles import has_staff_role

# Pages a staff member may reach before activating two-factor authentication.
ALLOWED_PREFIXES = ("/compte/", "/static/", "/healthz")


class StaffTwoFactorMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            settings.MFA_REQUIRED_FOR_STAFF
            and request.user.is_authenticated
            and not request.path.startswith(ALLOWED_PREFIXES)
            and has_staff_role(request.user)
            and not is_mfa_enabled(request.user)
        ):
            messages.warning(
                request,
                _(
                    "Your role gives you access to other people's data: set up "
                    "two-factor authentication to continue."
                ),
            )
            return redirect(reverse("mfa_activate_totp"))
        return self.get_response(request)

"""Joining and leaving: requests, invitations, "Mes conseils"."""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.wording import role_name
from common.access import login_or
from common.caching import no_store

from .. import permissions, selectors, services
from ..forms import (
    JoinRequestForm,
)
from ..models import JoinRequest
from ..signup_proof import invitation_signup_remember
from ._access import (
    _attempt,
    _council,
    _posted,
    _refused,
    access_space,
)

# Joining and leaving.


@login_required
def join(request, slug: str):
    council = _council(slug)
    if permissions.can_view_space(request.user, council):
        return redirect(council.get_space_url())
    if request.method == "GET" and selectors.pending_request_of(user=request.user, council=council):
        messages.info(request, _("Your request is waiting for an answer."))
        return redirect(council)
    form = JoinRequestForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        _attempt(
            request,
            lambda: services.membership_request(
                user=request.user, council=council, message=form.cleaned_data["message"]
            ),
            lambda: _(
                "Your request has been sent. The coordinators will answer you; "
                "you will find their answer in your notifications."
            ),
        )
        return redirect(council)
    context = {
        "council": council,
        "form": form,
        "manages_from_outside": permissions.manages_from_outside(request.user),
        "has_coordinator": permissions.has_coordinator(council),
        "no_consent_message": services.ERROR_NO_COORDINATOR_TO_ASK,
    }
    return render(request, "councils/join.html", context)


@login_required
@require_POST
def join_withdraw(request, pk: int):
    join_request = get_object_or_404(JoinRequest, pk=pk, user=request.user)
    _attempt(
        request,
        lambda: services.join_request_withdraw(user=request.user, join_request=join_request),
        lambda: _("Your request has been withdrawn."),
    )
    return redirect("councils:mine")


@login_or
def leave(request, slug: str):
    council = access_space(request, slug)
    if request.method == "POST":
        try:
            services.membership_leave(user=request.user, council=council)
        except ValidationError as error:
            _refused(request, error)
            return redirect("councils:leave", slug=council.slug)
        messages.success(request, _("You have left the council."))
        return redirect(council)
    context = {
        "council": council,
        "last_coordinator": selectors.is_last_coordinator(user=request.user, council=council)
        and not permissions.can_override_last_coordinator(request.user, council),
    }
    return render(request, "councils/leave.html", context)


@no_store
def invitation(request, token: str):
    try:
        invitation = services.invitation_from_token(token)
    except ValidationError as error:
        return render(
            request, "councils/invitation_invalid.html", {"errors": error.messages}, status=404
        )
    if not request.user.is_authenticated:
        # The link reached this mailbox: signing up with this address needs
        # no second confirmation, as long as the invitation stays open
        # (checked again when the account is made). allauth's stash fills in
        # the sign-up form with the address.
        invitation_signup_remember(request, token)
        get_adapter(request).stash_verified_email(request, invitation.email)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        try:
            membership = services.invitation_accept(user=request.user, invitation=invitation)
        except ValidationError as error:
            _refused(request, error)
            return redirect(request.path)
        messages.success(
            request,
            _("Welcome! You are now %(role)s of the council.")
            % {"role": role_name(membership.role, request.user)},
        )
        return redirect(invitation.council.get_space_url())
    context = {
        "invitation": invitation,
        "council": invitation.council,
        "login_url": f"{reverse('account_login')}?{urlencode({'next': request.path})}",
        "signup_url": f"{reverse('account_signup')}?{urlencode({'next': request.path})}",
        "already_member": permissions.can_view_space(request.user, invitation.council),
        "for_this_account": request.user.is_authenticated
        and services.invitation_is_for(invitation, request.user),
    }
    return render(request, "councils/invitation.html", context)


@login_required
def mine(request):
    return render(request, "councils/mine.html", selectors.my_councils_page(user=request.user))

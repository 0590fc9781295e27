"""Management, for coordinators and the department's referents."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.wording import role_name
from common.access import login_or

from .. import permissions, selectors, services
from ..forms import (
    CouncilCreateForm,
    CouncilForm,
    InvitationForm,
    JoinRefusalForm,
    RoleForm,
)
from ..models import Invitation, JoinRequest, Membership
from ._access import (
    LOG_PAGE_SIZE,
    MEMBERS_PAGE_SIZE,
    PENDING_SHOWN,
    _access,
    _attempt,
    _council,
    _page,
    _posted,
    access_management,
)

# Management: coordinators and referents.


@login_or
def manage(request, slug: str):
    council = access_management(request, slug)
    has_coordinator = permissions.has_coordinator(council)
    coordinator_expected = (
        has_coordinator
        or selectors.open_invitations(council).filter(role=Membership.Role.COORDINATOR).exists()
    )
    # The oldest first, a screenful at a time: answering them brings the next.
    requests = list(selectors.pending_requests(council)[:PENDING_SHOWN])
    permissions.mark_who_may_accept(request.user, council, requests)
    context = {
        "council": council,
        "is_member": permissions.can_view_space(request.user, council),
        "requests": requests,
        "request_count": selectors.pending_requests(council).count(),
        "invitations": selectors.open_invitations(council)[:PENDING_SHOWN],
        "page": _page(request, selectors.memberships_of_council(council), MEMBERS_PAGE_SIZE),
        # A council without coordinator most likely invites its first one.
        "invitation_form": InvitationForm(
            initial={
                "role": Membership.Role.MEMBER
                if coordinator_expected
                else Membership.Role.COORDINATOR
            }
        ),
        "role_choices": Membership.Role.choices,
        "has_coordinator": has_coordinator,
        "is_referent": permissions.is_referent_for(request.user, council),
        "can_edit": permissions.can_edit_council(request.user, council),
        "can_read_transparency_log": permissions.can_read_transparency_log(request.user, council),
    }
    return render(request, "councils/manage.html", context)


@login_or
@require_POST
def request_answer(request, slug: str, pk: int, decision: str):
    council = access_management(request, slug)
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user"), pk=pk, council=council
    )
    if decision == "accept":
        _attempt(
            request,
            lambda: services.join_request_accept(actor=request.user, join_request=join_request),
            lambda: _("%(name)s is now a member.") % {"name": join_request.user.display_name},
        )
    elif decision == "refuse":
        form = JoinRefusalForm(request.POST)
        if not form.is_valid():
            # Back to the confirmation, the reason as typed.
            return _refuse_page(request, council, join_request, form)
        _attempt(
            request,
            lambda: services.join_request_refuse(
                actor=request.user,
                join_request=join_request,
                reason=form.cleaned_data["reason"],
            ),
            lambda: (
                _("The request of %(name)s has been refused.")
                % {"name": join_request.user.display_name}
            ),
        )
    else:
        raise Http404
    return redirect("councils:manage", slug=council.slug)


@login_or
def request_refuse(request, slug: str, pk: int):
    """Ask before refusing, with an optional reason: the person receives an e-mail."""
    council = access_management(request, slug)
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user"), pk=pk, council=council
    )
    return _refuse_page(request, council, join_request, JoinRefusalForm())


def _refuse_page(request, council, join_request: JoinRequest, form: JoinRefusalForm):
    context = {
        "title": _("Refuse the request of %(name)s?") % {"name": join_request.user.display_name},
        "explanation": [
            _("The person receives an e-mail saying that the request was not accepted."),
            _("They can ask again later."),
        ],
        "form": form,
        "confirm_label": _("Refuse the request"),
        "cancel_url": reverse("councils:manage", args=[council.slug]),
        "action": reverse(
            "councils:request_answer", args=[council.slug, join_request.pk, "refuse"]
        ),
        "council": council,
        "danger": True,
    }
    return render(request, "confirm.html", context)


@login_or
def invite(request, slug: str):
    council = access_management(request, slug)
    if request.method != "POST":
        return redirect("councils:manage", slug=council.slug)
    form = InvitationForm(request.POST)
    if form.is_valid():
        try:
            services.invitation_send(
                actor=request.user,
                council=council,
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
            )
        except ValidationError as error:
            form.add_error("email" if error.code == "already_member" else None, error)
        else:
            messages.success(
                request,
                _("The invitation has been sent to %(email)s.")
                % {"email": form.cleaned_data["email"]},
            )
            return redirect("councils:manage", slug=council.slug)
    context = {"council": council, "invitation_form": form}
    return render(request, "councils/invite.html", context, status=400)


@login_or
@require_POST
def invitation_revoke(request, slug: str, pk: int):
    council = access_management(request, slug)
    invitation = get_object_or_404(Invitation, pk=pk, council=council)
    _attempt(
        request,
        lambda: services.invitation_revoke(actor=request.user, invitation=invitation),
        lambda: _("The invitation has been cancelled."),
    )
    return redirect("councils:manage", slug=council.slug)


@login_or
@require_POST
def member_role(request, slug: str, pk: int):
    council = access_management(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, council=council
    )
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
        return redirect("councils:manage", slug=council.slug)
    role = form.cleaned_data["role"]
    _attempt(
        request,
        lambda: services.membership_role_change(
            actor=request.user, membership=membership, role=role
        ),
        lambda: (
            _("%(name)s is now %(role)s.")
            % {"name": membership.user.display_name, "role": role_name(role, membership.user)}
        ),
    )
    return redirect("councils:manage", slug=council.slug)


@login_or
def member_remove(request, slug: str, pk: int):
    council = access_management(request, slug)
    membership = get_object_or_404(
        Membership.objects.select_related("user"), pk=pk, council=council
    )
    if membership.user_id == request.user.pk:
        return redirect("councils:leave", slug=council.slug)
    if request.method == "POST":
        _attempt(
            request,
            lambda: services.membership_remove(actor=request.user, membership=membership),
            lambda: _("%(name)s is no longer a member.") % {"name": membership.user.display_name},
        )
        return redirect("councils:manage", slug=council.slug)
    context = {"council": council, "membership": membership}
    return render(request, "councils/member_remove.html", context)


@login_or
def log(request, slug: str):
    council = _access(request, slug, permissions.can_read_council_log)
    with_content = permissions.can_read_content_log(request.user, council)
    context = {
        "council": council,
        "is_member": permissions.can_view_space(request.user, council),
        "with_content": with_content,
        "page": _page(
            request, selectors.council_log(council, with_content=with_content), LOG_PAGE_SIZE
        ),
    }
    return render(request, "councils/log.html", context)


@login_or
def edit(request, slug: str):
    council = _access(request, slug, permissions.can_edit_council)
    form = CouncilForm(_posted(request), request.FILES or None, instance=_council(slug))
    current = None
    if request.method == "POST" and form.is_valid():
        try:
            services.council_update(
                actor=request.user,
                council=council,
                new_logo=form.cleaned_data["logo_upload"],
                remove_logo=form.cleaned_data.get("remove_logo", False),
                based_on=form.cleaned_data["version"],
                **{name: form.cleaned_data[name] for name in CouncilForm.Meta.fields},
            )
        except ValidationError as error:
            form.add_error(None, error)
            if getattr(error, "code", None) == "stale":
                # Show what the other person saved; the next save starts from it.
                current = _council(slug)
                form.data = form.data.copy()
                form.data["version"] = current.updated_at.isoformat()
        else:
            messages.success(request, _("The public page has been saved."))
            return redirect(council)
    context = {"council": council, "form": form, "current": current}
    return render(request, "councils/edit.html", context)


@login_or
def archive(request, slug: str):
    council = _access(request, slug, permissions.can_archive_council)
    if request.method == "POST":
        if council.is_active:
            services.council_archive(actor=request.user, council=council)
            messages.success(request, _("The council has been archived."))
        else:
            services.council_reactivate(actor=request.user, council=council)
            messages.success(request, _("The council is active again."))
        return redirect(council)
    return render(request, "councils/archive.html", {"council": council})


@login_required
def create(request):
    departments = permissions.referent_departments(request.user)
    if not departments.exists():
        raise Http404
    form = CouncilCreateForm(
        _posted(request),
        request.FILES or None,
        departments=departments,
        initial={"department": departments.first()} if departments.count() == 1 else None,
    )
    if request.method == "POST" and form.is_valid():
        try:
            council = services.council_create(
                actor=request.user,
                department=form.cleaned_data["department"],
                logo=form.cleaned_data["logo_upload"],
                **{name: form.cleaned_data[name] for name in CouncilForm.Meta.fields},
            )
        except PermissionDenied as error:
            raise Http404 from error
        except ValidationError as error:
            form.add_error(None, error)
            return render(request, "councils/create.html", {"form": form})
        messages.success(
            request,
            _("The council has been created. Invite its first coordinator from this page."),
        )
        return redirect("councils:manage", slug=council.slug)
    return render(request, "councils/create.html", {"form": form})

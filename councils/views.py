"""Council pages: directory, public page, joining, private space, management.

Views parse the request, ask ``permissions`` through the ``access_*``
helpers, call one service and render. Private things answer 404 to whoever
may not see them; anonymous visitors are sent to log in first.
"""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account.adapter import get_adapter
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common import ratelimit

from . import permissions, registry, selectors, services
from .forms import (
    ContactForm,
    CouncilCreateForm,
    CouncilForm,
    DirectoryFilterForm,
    InvitationForm,
    JoinRequestForm,
    ReferentAppointForm,
    RoleForm,
)
from .models import Council, Invitation, JoinRequest, Membership, ReferentAssignment

DIRECTORY_PAGE_SIZE = 24
MEMBERS_PAGE_SIZE = 50
LOG_PAGE_SIZE = 50
PENDING_SHOWN = 30
CONTACT_LIMIT_PER_HOUR = 5


class LoginRequired(Exception):
    """Raised by ``access_*`` helpers when logging in could help."""


def _council(slug: str) -> Council:
    return get_object_or_404(Council.objects.select_related("department__region"), slug=slug)


def _access(request, slug: str, allowed) -> Council:
    """The council, if ``allowed(user, council)``; 404 otherwise, whether it
    exists or not; anonymous visitors are sent to log in first."""
    council = _council(slug)
    if not request.user.is_authenticated:
        raise LoginRequired
    if not allowed(request.user, council):
        raise Http404
    return council


def access_space(request, slug: str) -> Council:
    """The council whose space ``request.user`` may read."""
    return _access(request, slug, permissions.can_view_space)


def access_management(request, slug: str) -> Council:
    """The council whose memberships ``request.user`` manages."""
    return _access(request, slug, permissions.can_manage_members)


def _login_or(view):
    """Turn ``LoginRequired`` into a redirect to the login page."""

    def wrapped(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except LoginRequired:
            return redirect_to_login(request.get_full_path())

    wrapped.__name__ = view.__name__
    wrapped.__doc__ = view.__doc__
    return wrapped


def _posted(request):
    """The submitted data, or None on GET: an empty POST still binds the form."""
    return request.POST if request.method == "POST" else None


def _page(request, queryset, size: int):
    return Paginator(queryset, size).get_page(request.GET.get("page"))


def _refused(request, error: ValidationError) -> None:
    for message in error.messages:
        messages.error(request, message)


def _attempt(request, action, success) -> bool:
    """Run ``action`` (a service call); tell the user ``success()`` or why not."""
    try:
        action()
    except ValidationError as error:
        _refused(request, error)
        return False
    messages.success(request, success())
    return True


# The public side.


def directory(request):
    form = DirectoryFilterForm(request.GET or None)
    filters = selectors.DirectoryFilters()
    if form.is_valid():
        filters = selectors.DirectoryFilters(
            query=form.cleaned_data["q"].strip(),
            region=form.cleaned_data["region"],
            department=form.cleaned_data["department"],
            town=form.cleaned_data["town"].strip(),
        )
    councils = selectors.directory(filters)
    if form.is_bound and not form.is_valid():
        # Contradictory filters: say so and list nothing rather than everything.
        councils = councils.none()
    page = _page(request, councils, DIRECTORY_PAGE_SIZE)
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "regions": selectors.region_counts(),
        "filtered": any(request.GET.get(name) for name in DirectoryFilterForm.base_fields),
        "query_string": query.urlencode(),
        "can_create": permissions.can_create_council(request.user),
    }
    return render(request, "councils/directory.html", context)


def detail(request, slug: str):
    council = _council(slug)
    user = request.user
    sections = [
        html for section in registry.public_sections() if (html := section.render(request, council))
    ]
    pending = None
    if user.is_authenticated:
        pending = selectors.pending_request_of(user=user, council=council)
    initial = {"name": user.display_name, "email": user.email} if user.is_authenticated else {}
    context = {
        "council": council,
        "sections": sections,
        "contact_form": ContactForm(initial=initial),
        "can_contact": bool(services.contact_recipients(council)),
        "is_member": permissions.can_view_space(user, council),
        "can_ask_to_join": permissions.can_ask_to_join(user, council) and pending is None,
        "pending_request": pending,
        "can_edit": permissions.can_edit_council(user, council),
        "can_manage": permissions.can_manage_members(user, council),
    }
    return render(request, "councils/detail.html", context)


def contact(request, slug: str):
    council = _council(slug)
    if request.method != "POST":
        # The address left in the bar after a refused message: back to the form.
        return redirect(f"{council.get_absolute_url()}#contact")
    form = ContactForm(request.POST)
    if form.is_valid():
        if form.is_robot():
            # Answer as if sent: a robot learns nothing; nothing is sent.
            messages.success(request, _("Your message has been sent to the council."))
            return redirect(council)
        if not ratelimit.hit(
            f"council-contact:{ratelimit.client_ip(request)}",
            limit=CONTACT_LIMIT_PER_HOUR,
            period_seconds=3600,
        ):
            form.add_error(
                None,
                _("You have sent several messages in a short time. Try again in an hour."),
            )
        else:
            sent_to = services.council_contact(
                council=council,
                sender_name=form.cleaned_data["name"],
                sender_email=form.cleaned_data["email"],
                message=form.cleaned_data["message"],
            )
            if sent_to:
                messages.success(request, _("Your message has been sent to the council."))
                return redirect(council)
            # The page showed no form; someone posted anyway: keep their text.
            form.add_error(None, _("This council cannot receive messages at the moment."))
    context = {"council": council, "contact_form": form, "can_contact": True}
    return render(request, "councils/contact.html", context, status=400)


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
                "you will receive an e-mail."
            ),
        )
        return redirect(council)
    return render(request, "councils/join.html", {"council": council, "form": form})


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


@_login_or
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


def invitation(request, token: str):
    try:
        invitation = services.invitation_from_token(token)
    except ValidationError as error:
        return render(
            request, "councils/invitation_invalid.html", {"errors": error.messages}, status=404
        )
    if not request.user.is_authenticated:
        # The link reached this mailbox: signing up with this address needs
        # no second confirmation.
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
            % {"role": membership.get_role_display()},
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


# The private space.


@_login_or
def space(request, slug: str):
    council = access_space(request, slug)
    activity = [
        item
        for source in registry.activity_sources()
        for item in source.items(council, request.user, 10)
    ]
    activity.sort(key=lambda item: item.when, reverse=True)
    context = {
        "council": council,
        "links": [(link.label, link.url(council)) for link in registry.space_links()],
        "activity": activity[:15],
        "member_count": council.memberships.count(),
        "coordinators": selectors.coordinators_of(council),
        "is_coordinator": permissions.is_coordinator(request.user, council),
        "can_contribute": permissions.can_contribute(request.user, council),
    }
    return render(request, "councils/space.html", context)


@_login_or
def members(request, slug: str):
    council = access_space(request, slug)
    context = {
        "council": council,
        "page": _page(request, selectors.memberships_of_council(council), MEMBERS_PAGE_SIZE),
        "can_manage": permissions.can_manage_members(request.user, council),
    }
    return render(request, "councils/members.html", context)


# Management: coordinators and referents.


@_login_or
def manage(request, slug: str):
    council = access_management(request, slug)
    has_coordinator = (
        selectors.coordinators_of(council).exists()
        or selectors.open_invitations(council).filter(role=Membership.Role.COORDINATOR).exists()
    )
    context = {
        "council": council,
        "is_member": permissions.can_view_space(request.user, council),
        # The oldest first, a screenful at a time: answering them brings the next.
        "requests": selectors.pending_requests(council)[:PENDING_SHOWN],
        "request_count": selectors.pending_requests(council).count(),
        "invitations": selectors.open_invitations(council)[:PENDING_SHOWN],
        "page": _page(request, selectors.memberships_of_council(council), MEMBERS_PAGE_SIZE),
        # A council without coordinator most likely invites its first one.
        "invitation_form": InvitationForm(
            initial={
                "role": Membership.Role.MEMBER if has_coordinator else Membership.Role.COORDINATOR
            }
        ),
        "role_choices": Membership.Role.choices,
        "is_referent": permissions.is_referent_for(request.user, council),
        "can_edit": permissions.can_edit_council(request.user, council),
        "can_read_access_log": permissions.can_read_access_log(request.user, council),
    }
    return render(request, "councils/manage.html", context)


@_login_or
@require_POST
def request_answer(request, slug: str, pk: int, decision: str):
    council = access_management(request, slug)
    join_request = get_object_or_404(JoinRequest, pk=pk, council=council)
    service = {
        "accept": services.join_request_accept,
        "refuse": services.join_request_refuse,
    }.get(decision)
    if service is None:
        raise Http404
    if decision == "accept":
        message = _("%(name)s is now a member.")
    else:
        message = _("The request of %(name)s has been refused.")
    _attempt(
        request,
        lambda: service(actor=request.user, join_request=join_request),
        lambda: message % {"name": join_request.user.display_name},
    )
    return redirect("councils:manage", slug=council.slug)


@_login_or
def request_refuse(request, slug: str, pk: int):
    """Ask before refusing: the person receives an e-mail."""
    council = access_management(request, slug)
    join_request = get_object_or_404(
        JoinRequest.objects.select_related("user"), pk=pk, council=council
    )
    context = {
        "title": _("Refuse the request of %(name)s?") % {"name": join_request.user.display_name},
        "explanation": [
            _("The person receives an e-mail saying that the request was not accepted."),
            _("They can ask again later."),
        ],
        "confirm_label": _("Refuse the request"),
        "cancel_url": reverse("councils:manage", args=[council.slug]),
        "action": reverse("councils:request_answer", args=[council.slug, pk, "refuse"]),
        "council": council,
        "danger": True,
    }
    return render(request, "councils/confirm.html", context)


@_login_or
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


@_login_or
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


@_login_or
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
            % {"name": membership.user.display_name, "role": Membership.Role(role).label}
        ),
    )
    return redirect("councils:manage", slug=council.slug)


@_login_or
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


@_login_or
def log(request, slug: str):
    council = access_management(request, slug)
    context = {
        "council": council,
        "is_member": permissions.can_view_space(request.user, council),
        "page": _page(request, selectors.membership_log(council), LOG_PAGE_SIZE),
    }
    return render(request, "councils/log.html", context)


@_login_or
def access_log(request, slug: str):
    council = _access(request, slug, permissions.can_read_access_log)
    context = {
        "council": council,
        "page": _page(request, council.space_accesses.all(), LOG_PAGE_SIZE),
    }
    return render(request, "councils/access_log.html", context)


@_login_or
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


@_login_or
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


# The national animation.


@login_required
def animation(request):
    if not permissions.can_view_animation_dashboard(request.user):
        raise Http404
    form = ReferentAppointForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.referent_appoint(
                actor=request.user,
                user=form.cleaned_data["email"],
                departments=[form.cleaned_data["department"]],
            )
        except ValidationError as error:
            form.add_error("department", error)
        else:
            messages.success(
                request,
                _("%(name)s is now a referent.") % {"name": form.cleaned_data["email"]},
            )
            return redirect("councils:animation")
    context = {
        "form": form,
        "referents": selectors.referents(),
        "without_coordinator": selectors.councils_without_coordinator(),
        "inactive": selectors.councils_without_recent_activity()[:100],
        "inactive_days": selectors.INACTIVE_AFTER.days,
        "archived": selectors.archived_councils()[:100],
    }
    return render(request, "councils/animation.html", context)


@login_required
def referent_withdraw(request, pk: int):
    if not permissions.can_appoint_referents(request.user):
        raise Http404
    assignment = get_object_or_404(
        ReferentAssignment.objects.select_related("user", "department"), pk=pk
    )
    if request.method != "POST":
        context = {
            "title": _("Withdraw %(name)s as referent for %(department)s?")
            % {"name": assignment.user.display_name, "department": assignment.department},
            "explanation": [
                _(
                    "They will no longer manage the memberships and public pages of "
                    "the councils of this department. They are told by e-mail."
                )
            ],
            "confirm_label": _("Withdraw"),
            "cancel_url": reverse("councils:animation"),
            "danger": True,
        }
        return render(request, "councils/confirm.html", context)
    services.referent_withdraw(actor=request.user, assignment=assignment)
    messages.success(
        request,
        _("%(name)s is no longer referent for the department %(department)s.")
        % {"name": assignment.user.display_name, "department": assignment.department},
    )
    return redirect("councils:animation")

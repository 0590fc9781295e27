"""Help desk pages: the form, the requester's pages, the team's queue and
request page, the statistics (thin: the rules are in permissions, the writes
in services)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common import ratelimit
from common.access import deny, login_or
from common.caching import no_store
from common.text import one_line
from councils import permissions as council_permissions
from councils.models import Council, Department

from . import emails, permissions, selectors, services
from . import statistics as help_desk_statistics
from .forms import (
    AssignForm,
    CallForm,
    FreshLinkForm,
    HelpRequestForm,
    NoteForm,
    QueueFilterForm,
    ReplyForm,
)
from .models import HelpRequest

QUEUE_PER_PAGE = 25
# The team's page holds four forms: each names its fields' ids apart, so that
# a label never points at another form's field (a note typed in the answer).
ANSWER_IDS, NOTE_IDS, CALL_IDS, ASSIGN_IDS = "answer_%s", "note_%s", "call_%s", "assign_%s"
MINE_PER_PAGE = 20
# New requests an address or an account may send in an hour.
SIGNED_OUT_PER_HOUR = 5
SIGNED_IN_PER_HOUR = 10
# Fresh follow links asked from one address, and for one request.
FRESH_LINKS_PER_ADDRESS_PER_HOUR = 10
FRESH_LINKS_PER_REQUEST_PER_DAY = 3


def _preselected_council(request) -> Council | None:
    slug = one_line(request.GET.get("conseil", "")).strip()
    if not slug:
        return None
    return Council.objects.active().filter(slug=slug).first()


def _without_trap(data):
    data = data.copy()
    data["website"] = ""
    return data


def _within_rate(request) -> bool:
    if request.user.is_authenticated:
        key, limit = f"help-request:user:{request.user.pk}", SIGNED_IN_PER_HOUR
    else:
        key, limit = f"help-request:ip:{ratelimit.client_ip(request)}", SIGNED_OUT_PER_HOUR
    return ratelimit.hit(key, limit=limit, period_seconds=3600)


def help_page(request):
    """What the help desk promises, and the form to ask."""
    user = request.user
    status = 200
    if request.method == "POST":
        form = HelpRequestForm(request.POST, user=user)
        if form.is_valid():
            if form.is_robot():
                form = HelpRequestForm(_without_trap(request.POST), user=user)
                form.is_valid()
                form.add_error(
                    None,
                    _(
                        "Your request was not sent: a hidden field meant to stop robots was "
                        "filled in, sometimes by a browser's automatic filling. Your text is "
                        "kept: check it and send it again."
                    ),
                )
                status = 400
            elif not _within_rate(request):
                form.add_error(
                    None,
                    _(
                        "You have sent several requests in a short time, so this one was "
                        "not sent. Your text is still below: try again in an hour."
                    ),
                )
                status = 429
            else:
                return _submitted(request, form)
        else:
            status = 400
    else:
        initial = {}
        council = _preselected_council(request)
        if council is not None:
            initial["council"] = council
        form = HelpRequestForm(initial=initial, user=user)
    context = {
        "form": form,
        "is_team": permissions.is_team(user),
        "has_requests": permissions.requests_of(user).exists(),
    }
    return render(request, "support/help.html", context, status=status)


def _submitted(request, form) -> object:
    cleaned = form.cleaned_data
    user = request.user
    try:
        help_request = services.request_submit(
            subject=cleaned["subject"],
            message=cleaned["message"],
            email=user.email if user.is_authenticated else cleaned["email"],
            name=cleaned["name"],
            phone=cleaned["phone"],
            wants_call=cleaned["wants_call"],
            call_times=cleaned["call_times"],
            council=cleaned["council"],
            department=cleaned["department"],
            requester=user,
            submission_key=cleaned["submission_key"],
        )
    except ValidationError as error:
        form.add_error(None, error)
        return render(request, "support/help.html", {"form": form}, status=400)
    messages.success(
        request,
        _(
            "Your request has been sent. The national animation answers within 24 hours; "
            "we have e-mailed you a link to follow it."
        ),
    )
    if user.is_authenticated:
        return redirect(help_request)
    return redirect("support:follow", token=emails.follow_token(help_request))


@login_required
def mine(request):
    requests = permissions.requests_of(request.user).select_related("council")
    page = Paginator(requests, MINE_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "support/mine.html", {"page": page})


# The requester's page, signed in or through their link.


def _requester_page(
    request, help_request: HelpRequest, *, page_url: str, via_link: bool, link_expires_at=None
):
    form = ReplyForm()
    status = 200
    if request.method == "POST":
        if request.POST.get("action") == "close":
            services.request_close(
                actor=request.user, help_request=help_request, by_requester=True, via_link=via_link
            )
            messages.success(request, _("Your request is closed. Thank you for telling us."))
            return redirect(page_url)
        form = ReplyForm(request.POST)
        if form.is_valid():
            try:
                services.requester_reply(
                    help_request=help_request,
                    body=form.cleaned_data["body"],
                    user=request.user,
                    via_link=via_link,
                )
            except ValidationError as error:
                form.add_error("body", error)
            else:
                messages.success(
                    request, _("Your message has been sent. We answer within 24 hours.")
                )
                return redirect(page_url)
        status = 400
    help_request.refresh_from_db()
    context = {
        "help_request": help_request,
        "thread": selectors.thread(help_request, for_team=False),
        "form": form,
        "page_url": page_url,
        "is_requester_account": permissions.is_requester(request.user, help_request),
        "link_expires_at": link_expires_at,
    }
    return render(request, "support/request.html", context, status=status)


@login_or
def request_page(request, pk: int):
    help_request = get_object_or_404(
        HelpRequest.objects.select_related("council", "department"), pk=pk
    )
    if not permissions.is_requester(request.user, help_request):
        if permissions.can_work_on(request.user, help_request):
            return redirect(help_request.get_team_url())
        deny(request)
    return _requester_page(
        request, help_request, page_url=help_request.get_absolute_url(), via_link=False
    )


@no_store
def follow(request, token: str):
    link = emails.follow_link_from_token(token)
    if link is None:
        return render(request, "support/follow_invalid.html", status=404)
    if not permissions.follow_link_works(link.help_request, link.made_at):
        return _expired(request, token, FreshLinkForm())
    return _requester_page(
        request,
        link.help_request,
        page_url=reverse("support:follow", kwargs={"token": token}),
        via_link=True,
        link_expires_at=permissions.follow_link_expires_at(link.help_request, link.made_at),
    )


def _expired(request, token: str, form, *, status: int = 410):
    """Says the link expired, never what it opened, and offers a fresh one."""
    context = {"form": form, "action": reverse("support:follow_renew", kwargs={"token": token})}
    return render(request, "support/follow_expired.html", context, status=status)


def _fresh_link_within_rate(request, help_request: HelpRequest) -> bool:
    return ratelimit.hit(
        f"fresh-link:ip:{ratelimit.client_ip(request)}",
        limit=FRESH_LINKS_PER_ADDRESS_PER_HOUR,
        period_seconds=3600,
    ) and ratelimit.hit(
        f"fresh-link:request:{help_request.pk}",
        limit=FRESH_LINKS_PER_REQUEST_PER_DAY,
        period_seconds=24 * 3600,
    )


@no_store
@require_POST
def follow_renew(request, token: str):
    """Send a fresh link to the request's address. The answer is the same
    whatever address was typed: it never tells the request's."""
    link = emails.follow_link_from_token(token)
    if link is None:
        return render(request, "support/follow_invalid.html", status=404)
    form = FreshLinkForm(request.POST)
    if not form.is_valid():
        return _expired(request, token, form, status=400)
    if not _fresh_link_within_rate(request, link.help_request):
        form.add_error(None, _("Too many requests for a new link. Try again tomorrow."))
        return _expired(request, token, form, status=429)
    services.follow_link_send(help_request=link.help_request, email=form.cleaned_data["email"])
    messages.success(
        request,
        _(
            "If this address is the request's, we have just sent a new link to it. "
            "Look in your mailbox, and in your spam folder, in a few minutes."
        ),
    )
    return redirect("support:follow", token=token)


# The team's pages.


def _team_member(request) -> None:
    if not permissions.is_team(request.user):
        deny(request)


@login_or
def queue(request):
    _team_member(request)
    user = request.user
    departments = (
        Department.objects.order_by("code")
        if permissions.can_view_statistics(user)
        else council_permissions.referent_departments(user).order_by("code")
    )
    people = list(selectors.assignable_people(user))
    form = QueueFilterForm(request.GET or None, departments=departments, people=people)
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    state = filters.get("etat") or selectors.STATE_WAITING
    requests = selectors.queue(
        user,
        state=state,
        department=filters.get("departement"),
        assigned=filters.get("attribuee") or "",
        wants_call=bool(filters.get("appel")),
    )
    page = Paginator(requests, QUEUE_PER_PAGE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "page": page,
        "state": state,
        "counts": selectors.waiting_counts(user),
        "query_string": query.urlencode(),
        "can_view_statistics": permissions.can_view_statistics(user),
    }
    return render(request, "support/queue.html", context)


def _team_request(request, pk: int) -> HelpRequest:
    help_request = get_object_or_404(
        HelpRequest.objects.select_related("council", "department", "assigned_to", "requester"),
        pk=pk,
    )
    if not permissions.can_work_on(request.user, help_request):
        deny(request)
    return help_request


def _team_page(request, help_request: HelpRequest, *, status: int = 200, **forms):
    thread = selectors.thread(help_request, for_team=True)
    seen_up_to = thread[-1].pk if thread else 0
    context = {
        "help_request": help_request,
        "thread": thread,
        "answer_form": forms.get("answer_form")
        or ReplyForm(initial={"seen_up_to": seen_up_to}, auto_id=ANSWER_IDS),
        "note_form": forms.get("note_form") or NoteForm(auto_id=NOTE_IDS),
        "call_form": forms.get("call_form") or CallForm(auto_id=CALL_IDS),
        "assign_form": forms.get("assign_form")
        or AssignForm(
            people=permissions.team_of(help_request),
            initial={"assignee": help_request.assigned_to_id},
            auto_id=ASSIGN_IDS,
        ),
        "can_view_statistics": permissions.can_view_statistics(request.user),
    }
    if "answer_form" in forms:
        # Sent again, the answer is checked against what is on screen now.
        context["answer_form"].data = context["answer_form"].data.copy()
        context["answer_form"].data["seen_up_to"] = seen_up_to
    return render(request, "support/team_request.html", context, status=status)


def _back_to(help_request: HelpRequest, anchor: str):
    """An action's address opened directly (a reload after an error): back
    to the request's page, at the form concerned."""
    return redirect(f"{help_request.get_team_url()}#{anchor}")


@login_or
def team_request(request, pk: int):
    return _team_page(request, _team_request(request, pk))


def _team_action(request, pk: int, *, anchor: str, form_name: str, make_form, act):
    """One of the team page's forms sent: ``act(help_request, cleaned_data)``
    writes and returns the success message, or raises ValidationError, shown
    on the form (its text kept) with the page again."""
    help_request = _team_request(request, pk)
    if request.method != "POST":
        return _back_to(help_request, anchor)
    form = make_form(help_request, request.POST)
    if form.is_valid():
        try:
            done = act(help_request, form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, done)
            return redirect(help_request.get_team_url())
    help_request.refresh_from_db()
    return _team_page(request, help_request, status=400, **{form_name: form})


@login_or
def team_answer(request, pk: int):
    def act(help_request, cleaned):
        services.request_answer(
            actor=request.user,
            help_request=help_request,
            body=cleaned["body"],
            seen_up_to=cleaned["seen_up_to"],
        )
        return _("Your answer has been sent to the requester.")

    return _team_action(
        request,
        pk,
        anchor="repondre",
        form_name="answer_form",
        make_form=lambda _request, data: ReplyForm(data, auto_id=ANSWER_IDS),
        act=act,
    )


@login_or
def team_note(request, pk: int):
    def act(help_request, cleaned):
        services.request_note(actor=request.user, help_request=help_request, body=cleaned["body"])
        return _("Your note has been added.")

    return _team_action(
        request,
        pk,
        anchor="note",
        form_name="note_form",
        make_form=lambda _request, data: NoteForm(data, auto_id=NOTE_IDS),
        act=act,
    )


@login_or
def team_call(request, pk: int):
    def act(help_request, cleaned):
        call = services.request_call_record(
            actor=request.user,
            help_request=help_request,
            called_at=cleaned["called_at"],
            minutes=cleaned["minutes"],
            reached=cleaned["reached"],
            note=cleaned["note"],
        )
        if call.reached:
            return _("The call has been recorded.")
        return _("The call has been recorded; the requester is told we tried to call.")

    return _team_action(
        request,
        pk,
        anchor="appel",
        form_name="call_form",
        make_form=lambda _request, data: CallForm(data, auto_id=CALL_IDS),
        act=act,
    )


@login_or
def team_assign(request, pk: int):
    def act(help_request, cleaned):
        services.request_assign(
            actor=request.user, help_request=help_request, assignee=cleaned["assignee"]
        )
        return _("The request's assignment has been saved.")

    return _team_action(
        request,
        pk,
        anchor="attribution",
        form_name="assign_form",
        make_form=lambda help_request, data: AssignForm(
            data, people=permissions.team_of(help_request), auto_id=ASSIGN_IDS
        ),
        act=act,
    )


@login_or
def team_close(request, pk: int):
    help_request = _team_request(request, pk)
    if request.method != "POST":
        return _back_to(help_request, "attribution")
    services.request_close(actor=request.user, help_request=help_request)
    messages.success(request, _("The request is closed; the requester has been told."))
    return redirect(help_request.get_team_url())


@login_or
def team_reopen(request, pk: int):
    help_request = _team_request(request, pk)
    if request.method != "POST":
        return _back_to(help_request, "attribution")
    services.request_reopen(actor=request.user, help_request=help_request)
    messages.success(request, _("The request is open again: a new 24-hour clock starts."))
    return redirect(help_request.get_team_url())


@login_or
def statistics(request):
    if not permissions.can_view_statistics(request.user):
        deny(request)
    context = help_desk_statistics.page_context(request.GET)
    return render(request, "support/statistics.html", context)

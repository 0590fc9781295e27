"""The agenda's pages. Every page asks ``permissions`` through ``access_*``:
a private event answers 404 to outsiders, and sends anonymous visitors to
log in first."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.access import deny, login_or
from councils.models import Council

from . import permissions, selectors, services
from .forms import AgendaFilterForm, AttendanceForm, EventForm
from .models import Event

PAGE_SIZE = 20


def access_agenda(request, slug: str) -> Council:
    """The council whose whole agenda ``request.user`` reads (its members)."""
    council = get_object_or_404(Council.objects.select_related("department"), slug=slug)
    if not permissions.can_read_agenda(request.user, council):
        deny(request)
    return council


def access_event(request, slug: str, pk: int) -> Event:
    """The event, if ``request.user`` may read it; 404 whether it is missing
    or private (login first for anonymous visitors)."""
    event = get_object_or_404(
        Event.objects.select_related("council__department", "created_by"),
        pk=pk,
        council__slug=slug,
    )
    if not permissions.can_read_event(request.user, event):
        deny(request)
    return event


def _page(request, events):
    return Paginator(events, PAGE_SIZE).get_page(request.GET.get("page"))


def _national(request, *, past: bool):
    form = AgendaFilterForm(request.GET or None)
    region = form.cleaned_data["region"] if form.is_valid() else None
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "past": past,
        "region": region,
        "page": _page(request, selectors.national_agenda(request.user, past=past, region=region)),
        "query_string": query.urlencode(),
    }
    return render(request, "events/agenda.html", context)


def agenda(request):
    return _national(request, past=False)


def agenda_past(request):
    return _national(request, past=True)


def _council_agenda(request, slug: str, *, past: bool):
    council = access_agenda(request, slug)
    context = {
        "council": council,
        "past": past,
        "page": _page(request, selectors.council_agenda(council, request.user, past=past)),
        "can_plan": permissions.can_plan(request.user, council),
        "has_private_link": selectors.has_private_link(request.user, council),
    }
    return render(request, "events/council_agenda.html", context)


@login_or
def council_agenda(request, slug: str):
    return _council_agenda(request, slug, past=False)


@login_or
def council_agenda_past(request, slug: str):
    return _council_agenda(request, slug, past=True)


@login_or
def event(request, slug: str, pk: int):
    current = access_event(request, slug, pk)
    council = current.council
    is_member = permissions.can_read_agenda(request.user, council)
    attendees = selectors.attendees(current) if is_member else None
    mine = selectors.answer_of(attendees, request.user) if attendees is not None else None
    context = {
        "council": council,
        "event": current,
        "is_member": is_member,
        "attendees": attendees,
        "can_answer": permissions.can_answer(request.user, current),
        "answer_form": AttendanceForm(initial={"answer": mine}),
        "my_answer": mine,
        "can_change": permissions.can_change(request.user, current),
        "can_cancel": permissions.can_cancel(request.user, current),
    }
    return render(request, "events/event.html", context)


@login_or
def event_create(request, slug: str):
    council = access_agenda(request, slug)
    if not permissions.can_plan(request.user, council):
        deny(request)
    form = EventForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            created = services.event_create(
                actor=request.user, council=council, **form.cleaned_data
            )
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The meeting is in the agenda."))
            return redirect(created)
    return render(request, "events/event_form.html", {"council": council, "form": form})


@login_or
def event_edit(request, slug: str, pk: int):
    current = access_event(request, slug, pk)
    if not permissions.can_change(request.user, current):
        deny(request)
    form = EventForm(
        request.POST if request.method == "POST" else None,
        initial=EventForm.initial_from(current),
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(actor=request.user, event=current, **form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        else:
            messages.success(request, _("The meeting has been changed."))
            return redirect(current)
    context = {"council": current.council, "event": current, "form": form}
    return render(request, "events/event_form.html", context)


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _confirm(request, current: Event, *, title: str, explanation: list[str], label: str):
    context = {
        "council": current.council,
        "title": title,
        "explanation": explanation,
        "confirm_label": label,
        "danger": True,
        "cancel_url": current.get_absolute_url(),
    }
    return render(request, "confirm.html", context)


@login_or
def event_cancel(request, slug: str, pk: int):
    current = access_event(request, slug, pk)
    if not permissions.can_change(request.user, current):
        deny(request)
    if not permissions.can_cancel(request.user, current):
        messages.info(request, _("This meeting is already over or cancelled."))
        return redirect(current)
    if request.method != "POST":
        return _confirm(
            request,
            current,
            title=_("Cancel “%(title)s”?") % {"title": current.title},
            explanation=[
                _("The meeting stays in the agenda, marked cancelled, so that everyone knows."),
                _("Members can no longer say whether they come."),
            ],
            label=_("Cancel the meeting"),
        )
    services.event_cancel(actor=request.user, event=current)
    messages.success(request, _("The meeting is cancelled."))
    return redirect(current)


@login_or
def event_delete(request, slug: str, pk: int):
    current = access_event(request, slug, pk)
    if not permissions.can_change(request.user, current):
        deny(request)
    if request.method != "POST":
        return _confirm(
            request,
            current,
            title=_("Delete “%(title)s”?") % {"title": current.title},
            explanation=[
                _("The meeting and the members' answers are deleted for good."),
                _("To tell people it will not take place, cancel it instead."),
            ],
            label=_("Delete for good"),
        )
    council = current.council
    services.event_delete(actor=request.user, event=current)
    messages.success(request, _("The meeting has been deleted."))
    return redirect("events:council_agenda", slug=council.slug)


@login_or
@require_POST
def answer(request, slug: str, pk: int):
    current = access_event(request, slug, pk)
    if not permissions.can_read_agenda(request.user, current.council):
        deny(request)
    form = AttendanceForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose an answer."))
    else:
        try:
            services.attendance_set(
                actor=request.user, event=current, answer=form.cleaned_data["answer"]
            )
        except PermissionDenied:
            messages.error(request, _("This meeting is over or cancelled: answers are closed."))
        else:
            messages.success(request, _("Your answer has been saved."))
    return redirect(f"{current.get_absolute_url()}#reponse")


# The private calendar link of a member.


@login_or
def private_link(request, slug: str):
    """Make a new secret link (the old one stops working) and show it, once.
    A reload (GET) goes back to the agenda, where a new one can be made."""
    council = access_agenda(request, slug)
    if request.method != "POST":
        return redirect("events:council_agenda", slug=council.slug)
    token = services.calendar_token_create(actor=request.user, council=council)
    url = request.build_absolute_uri(
        reverse("events:private_feed", kwargs={"slug": council.slug, "token": token})
    )
    response = render(request, "events/private_link.html", {"council": council, "url": url})
    response["Cache-Control"] = "no-store"
    return response


@login_or
@require_POST
def private_link_revoke(request, slug: str):
    council = access_agenda(request, slug)
    if services.calendar_token_revoke(actor=request.user, council=council):
        messages.success(request, _("Your private link no longer works."))
    return redirect("events:council_agenda", slug=council.slug)

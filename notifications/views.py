"""The notification centre, its preferences and the e-mails' unsubscribe
link (thin: the rules are in services and in each kind's own check)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from . import emails, registry, selectors, services
from .forms import PreferencesForm
from .models import Notification

PER_PAGE = 30


@login_required
def index(request):
    page, shown = services.visible_page(
        request.user,
        lambda: Paginator(selectors.notifications_of(request.user), PER_PAGE).get_page(
            request.GET.get("page")
        ),
    )
    context = {"page": page, "notifications": shown}
    return render(request, "notifications/index.html", context)


@login_required
def open_notification(request, pk: int):
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    hidden = services.visible(request.user, [notification])[1]
    if hidden:
        services.forget(hidden)
        messages.warning(request, _("You can no longer see what this notification was about."))
        return redirect("notifications:index")
    services.mark_read(user=request.user, notification=notification)
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts=None):
        return redirect("notifications:index")
    return redirect(notification.url)


@login_required
@require_POST
def mark_all_read(request):
    services.mark_all_read(user=request.user)
    messages.success(request, _("All your notifications are marked as read."))
    return redirect("notifications:index")


@login_required
def preferences(request):
    current = services.preferences_of(request.user)
    form = PreferencesForm(request.POST or None, current=current)
    if request.method == "POST":
        if request.POST.get("everything") == registry.SITE:
            services.preferences_save(
                user=request.user, choices=dict.fromkeys(current, registry.SITE)
            )
            if registry.mandatory_kinds():
                done = _(
                    "You will no longer receive notification e-mails, except those that "
                    "cannot be turned off; see them all here."
                )
            else:
                done = _("You will no longer receive notification e-mails; see them here.")
            messages.success(request, done)
            return redirect("notifications:preferences")
        if form.is_valid():
            services.preferences_save(user=request.user, choices=form.choices())
            messages.success(request, _("Your choices are saved."))
            return redirect("notifications:preferences")
    return render(
        request,
        "notifications/preferences.html",
        {
            "form": form,
            "mandatory_kinds": registry.mandatory_kinds(),
            "digest_time": selectors.digest_time(),
        },
        status=400 if form.is_bound and form.errors else 200,
    )


@csrf_exempt
def unsubscribe(request, token: str):
    """The link of every notification e-mail: no login needed, the signed
    token is the proof and names one person and one kind. A GET only asks
    (mail scanners open links); a POST, also sent by mail programs'
    one-click unsubscribe, stops those e-mails."""
    found = emails.read_unsubscribe_token(token)
    user = None
    if found is not None:
        user = get_user_model().objects.filter(pk=found[0], is_active=True).first()
    if user is None:
        return render(request, "notifications/unsubscribe_invalid.html", status=404)
    kind = found[1]
    label = (
        _("the daily summary") if kind == emails.DIGEST_TOKEN_KIND else registry.kind(kind).label
    )
    if request.method == "POST":
        services.unsubscribe(user=user, kind=kind)
        return render(request, "notifications/unsubscribed.html", {"label": label})
    if services.already_unsubscribed(user=user, kind=kind):
        return render(request, "notifications/unsubscribed.html", {"label": label, "already": True})
    return render(request, "notifications/unsubscribe.html", {"label": label, "token": token})

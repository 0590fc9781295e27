"""Account pages: the profile, the public profile, "Mes données"."""

from __future__ import annotations

from allauth.account.decorators import reauthentication_required
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common import ratelimit

from . import permissions, services
from .forms import AccountDeleteForm, ProfileForm
from .models import User


@login_required
def profile(request):
    return render(request, "accounts/profile.html", {"profile_user": request.user})


@login_required
def profile_edit(request):
    # A copy, so that a refused form never shows half-applied values elsewhere on the page.
    profile_user = User.objects.get(pk=request.user.pk)
    form = ProfileForm(request.POST or None, request.FILES or None, instance=profile_user)
    if request.method == "POST" and form.is_valid():
        services.profile_update(
            user=profile_user,
            display_name=form.cleaned_data["display_name"],
            bio=form.cleaned_data["bio"],
            town=form.cleaned_data["town"],
            grammatical_gender=form.cleaned_data["grammatical_gender"],
            publish_profile=form.cleaned_data["publish_profile"],
            publish_avatar=form.cleaned_data["publish_avatar"],
            publish_bio=form.cleaned_data["publish_bio"],
            publish_town=form.cleaned_data["publish_town"],
            new_avatar=form.cleaned_data["avatar_upload"],
            remove_avatar=form.cleaned_data["remove_avatar"],
        )
        messages.success(request, _("Your profile has been saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile_edit.html", {"form": form})


def public_profile(request, pk: int):
    profile_user = get_object_or_404(User, pk=pk)
    if not permissions.can_view_public_profile(request.user, profile_user):
        raise Http404
    context = {
        "profile_user": profile_user,
        "published": permissions.public_profile_fields(request.user, profile_user),
    }
    return render(request, "accounts/public_profile.html", context)


# How many archives of their data a person may download in an hour.
EXPORTS_PER_HOUR = 5


@login_required
def my_data(request):
    return render(request, "accounts/my_data.html")


@login_required
@require_POST
def my_data_export(request):
    # The archive holds every file the person uploaded: built here, it costs
    # seconds for a large one, so a loop of requests must not hold the
    # site's workers.
    if not ratelimit.hit(
        f"personal-data-export:{request.user.pk}",
        limit=EXPORTS_PER_HOUR,
        period_seconds=3600,
    ):
        messages.error(
            request,
            _("You downloaded your data several times this hour: try again in an hour."),
        )
        return redirect("accounts:my_data")
    archive = services.personal_data_export(user=request.user)
    response = FileResponse(
        archive.file,
        as_attachment=True,
        filename=archive.filename,
        content_type=archive.content_type,
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
@reauthentication_required
def account_delete(request):
    form = AccountDeleteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = request.user
        logout(request)
        services.account_delete(user=user)
        messages.success(request, _("Your account has been deleted. Thank you for taking part."))
        return redirect("home")
    return render(request, "accounts/account_delete.html", {"form": form})

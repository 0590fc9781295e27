"""The national animation: referents, councils needing attention."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import permissions, selectors, services
from ..forms import (
    ReferentAppointForm,
)
from ..models import ReferentAssignment
from ._access import (
    _posted,
)

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
            form.add_error("email" if error.code == "self_appointment" else "department", error)
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
        return render(request, "confirm.html", context)
    services.referent_withdraw(actor=request.user, assignment=assignment)
    messages.success(
        request,
        _("%(name)s is no longer referent for the department %(department)s.")
        % {"name": assignment.user.display_name, "department": assignment.department},
    )
    return redirect("councils:animation")

"""The first steps of a newcomer: where they land once their address is
confirmed (ACCOUNT_SIGNUP_REDIRECT_URL). Here, in the project, because the page
links the councils and the help desk, which sit on different floors."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from councils import selectors
from councils.forms import FirstStepsForm
from councils.models import JoinRequest


@login_required
def first_steps(request):
    """Where a newcomer lands once their address is confirmed: the councils
    of their department, each with its "ask to join", and what a council and
    its private space are. A member of a council has found theirs: they go
    where logging in takes them."""
    user = request.user
    if selectors.councils_of(user=user).exists():
        return redirect(settings.LOGIN_REDIRECT_URL)
    if "place" in request.GET:
        form = FirstStepsForm(request.GET)
        department = form.cleaned_data["place"] if form.is_valid() else None
    else:
        department = selectors.guessed_department(user=user)
        form = FirstStepsForm(initial={"place": department.code if department else ""})
    councils = []
    if department is not None:
        limit = selectors.FIRST_STEPS_LIMIT
        councils = list(selectors.councils_to_join(user=user, department=department)[: limit + 1])
    context = {
        "form": form,
        "department": department,
        "councils": councils[: selectors.FIRST_STEPS_LIMIT],
        "more_councils": len(councils) > selectors.FIRST_STEPS_LIMIT,
        "directory_query": urlencode({"department": department.code}) if department else "",
        "join_requests": list(
            selectors.join_requests_of(user=user).filter(status=JoinRequest.Status.PENDING)
        ),
    }
    return render(request, "conseils/first_steps.html", context)

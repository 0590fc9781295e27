"""The public side: the directory, a council's page, its contact form."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from common import ratelimit
from common.page_cache import anonymous_page

from .. import page_cache, permissions, registry, selectors, services
from ..forms import (
    ContactForm,
    DirectoryFilterForm,
)
from ._access import (
    CONTACT_LIMIT_PER_COUNCIL_PER_HOUR,
    CONTACT_LIMIT_PER_HOUR,
    DIRECTORY_PAGE_SIZE,
    _council,
    _page,
)

# The public side.


@anonymous_page(page_cache.directory_page, parameters=("page", "region", "department"))
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


def _contact_allowed(request, council, sender_email: str) -> bool:
    """Per address of the visitor, per sender's e-mail and per council: one
    person cannot flood a council, nor many councils."""
    return all(
        ratelimit.hit(key, limit=limit, period_seconds=3600)
        for key, limit in (
            (f"council-contact:{ratelimit.client_ip(request)}", CONTACT_LIMIT_PER_HOUR),
            (f"council-contact-sender:{sender_email.lower()}", CONTACT_LIMIT_PER_HOUR),
            (f"council-contact-council:{council.pk}", CONTACT_LIMIT_PER_COUNCIL_PER_HOUR),
        )
    )


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
        if not _contact_allowed(request, council, form.cleaned_data["email"]):
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

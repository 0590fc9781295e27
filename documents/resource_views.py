"""The national resource library: browsable by anyone, published by the
national animation."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from common.downloads import send_file
from search import services as search_services

from . import permissions, services
from .forms import ResourceFilterForm, ResourceForm
from .models import Resource, ResourceFolder
from .search import RESOURCES


def resources(request):
    form = ResourceFilterForm(request.GET or None)
    items = Resource.objects.select_related("folder")
    shelf = None
    if form.is_valid():
        if form.cleaned_data["dossier"]:
            shelf = get_object_or_404(ResourceFolder, pk=form.cleaned_data["dossier"])
            items = items.filter(folder=shelf)
        items = search_services.matching(RESOURCES, items, form.cleaned_data["q"])
    context = {
        "form": form,
        "shelf": shelf,
        "shelves": ResourceFolder.objects.annotate(count=Count("resources")),
        "page": Paginator(items.order_by("-created_at", "pk"), 20).get_page(
            request.GET.get("page")
        ),
        "can_manage": permissions.can_manage_resources(request.user),
        "query_string": urlencode(
            {key: value for key, value in request.GET.items() if key != "page" and value}
        ),
    }
    return render(request, "documents/resources.html", context)


def resource_download(request, pk: int):
    resource = get_object_or_404(Resource, pk=pk)
    services.resource_download_count(resource=resource)
    return send_file(resource.file, filename=resource.filename, content_type=resource.content_type)


@login_required
def resource_add(request):
    if not permissions.can_manage_resources(request.user):
        raise Http404
    form = ResourceForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.resource_add(
                user=request.user,
                folder=form.cleaned_data["folder"],
                title=form.cleaned_data["title"],
                description=form.cleaned_data["description"],
                uploaded=form.cleaned_data["file"],
            )
        except ValidationError as error:
            form.add_error("file", error)
        else:
            messages.success(request, _("The resource is online."))
            return redirect("documents:resources")
    return render(request, "documents/resource_form.html", {"form": form})


@login_required
@require_POST
def resource_delete(request, pk: int):
    if not permissions.can_manage_resources(request.user):
        raise Http404
    resource = get_object_or_404(Resource, pk=pk)
    services.resource_delete(user=request.user, resource=resource)
    messages.success(request, _("The resource has been removed."))
    return redirect("documents:resources")

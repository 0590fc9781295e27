"""What "Mes données" holds from the documents: the files the person uploaded
(every version they added, with its bytes), the texts they saved in the
pages written together, and the files they published in the national library.

The rule, between the right of access (GDPR art. 15, and art. 20 for what a
person provided) and the council's privacy (DESIGN: a space is read only by
its members):

- What the person brought is always theirs: the bytes of each version they
  uploaded and the text of each page revision they saved, even in a council
  they have left or in a file since put in the trash. They had it in hand
  when they added it; giving it back tells them nothing new.
- What the council did with it afterwards is the council's: the document's
  current name, the page's current title, later versions by others. It is
  given only while the person still reads the council's space, and the item
  is not in the trash; otherwise the entry says ``null`` there.
- Nobody else's upload or revision is ever in the export, whatever the
  person may read on the site.

Files and revisions stay after the account is deleted (shared with the
council), their author emptied ("compte supprimé").
"""

from __future__ import annotations

import os

from django.utils.text import slugify
from django.utils.translation import gettext_lazy as _

from accounts.personal_data import ExportPart, PersonalDataSection
from councils import permissions as council_permissions

from .models import DocumentVersion, PageRevision, Resource

SECTION_KEY = "documents"


def export_documents(user) -> ExportPart:
    readable = set(
        council_permissions.councils_with_space_visible_to(user).values_list("pk", flat=True)
    )
    files = {}
    uploads = []
    versions = (
        DocumentVersion.objects.filter(uploaded_by=user)
        .select_related("document__council")
        .order_by("created_at", "pk")
    )
    for version in versions:
        document = version.document
        council = document.council
        still_read = council.pk in readable and document.deleted_at is None
        name = f"fichiers/{slugify(council.name)[:60]}/{version.pk}-v{version.number}"
        if still_read:
            name = f"{name}-{slugify(os.path.splitext(document.name)[0])[:60]}"
        name = f"{name}.{version.kind}"
        files[name] = version.file
        uploads.append(
            {
                "council": council.name,
                "document": document.name if still_read else None,
                "version": version.number,
                "uploaded_at": version.created_at,
                "size": version.size,
                "file": f"{SECTION_KEY}/{name}",
            }
        )
    revisions = (
        PageRevision.objects.filter(author=user)
        .select_related("page__council")
        .order_by("created_at", "pk")
    )
    resources = []
    for resource in Resource.objects.filter(uploaded_by=user).order_by("created_at", "pk"):
        name = f"bibliotheque/{resource.pk}-{slugify(resource.title)[:60]}.{resource.kind}"
        files[name] = resource.file
        resources.append(
            {
                "title": resource.title,
                "description": resource.description,
                "published_at": resource.created_at,
                "file": f"{SECTION_KEY}/{name}",
            }
        )
    return ExportPart(
        {
            "uploaded_files": uploads,
            "page_revisions": [
                {
                    "council": revision.page.council.name,
                    "page": revision.page.title
                    if revision.page.council_id in readable and revision.page.deleted_at is None
                    else None,
                    "revision": revision.number,
                    "saved_at": revision.created_at,
                    "summary": revision.summary,
                    "text": revision.body,
                }
                for revision in revisions
            ],
            "library_resources": resources,
        },
        files=files,
    )


DOCUMENTS_SECTION = PersonalDataSection(
    key=SECTION_KEY,
    export=export_documents,
    title=_("The files you added to your councils' spaces and the pages you wrote in."),
    contents=(
        (
            "uploaded_files",
            _(
                "each version of a file you uploaded: its council, the document's name "
                "(empty if you no longer belong to the council or the file is in its trash), "
                "its number, date, size and where its copy is in this archive"
            ),
        ),
        (
            "page_revisions",
            _(
                "each text you saved in a page written together: the council, the page's "
                "title (empty if you no longer belong to the council or the page was "
                "deleted), the revision's number, date, summary and the whole text as you "
                "saved it"
            ),
        ),
        ("library_resources", _("the files you published in the national resource library")),
    ),
    files_description=_(
        "A copy of each file version you uploaded (fichiers/, one folder per council) and "
        "of each resource you published (bibliotheque/). Only your own uploads: never a "
        "version added by someone else."
    ),
)

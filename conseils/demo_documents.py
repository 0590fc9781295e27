"""Demo documents: the national resource library, and files and pages in the
first council's space. Idempotent."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from accounts.models import User
from councils.models import Council
from documents import services
from documents.models import Document, Page, Resource, ResourceFolder

SHELVES = [
    ("Démarrer un conseil citoyen", "Les textes, le rôle du conseil, les premières réunions."),
    ("Animer les réunions", "Ordres du jour, comptes rendus, prise de parole."),
    ("Renouvellement urbain", "Comprendre un projet et y prendre part."),
]
RESOURCES = [
    ("Démarrer un conseil citoyen", "Guide du conseiller citoyen", "guide-conseiller.pdf"),
    ("Animer les réunions", "Fiche : un compte rendu en une page", "fiche-compte-rendu.pdf"),
    ("Renouvellement urbain", "Les étapes d'un projet de rénovation", "etapes-renovation.pdf"),
]


def _pdf(title: str, name: str) -> SimpleUploadedFile:
    """A one-page PDF with its title, drawn with Pillow (no outside file)."""
    page = Image.new("RGB", (1240, 1754), "white")
    ImageDraw.Draw(page).text((100, 120), title, fill="black")
    buffer = io.BytesIO()
    page.save(buffer, format="PDF")
    return SimpleUploadedFile(name, buffer.getvalue(), "application/pdf")


def _photo(name: str) -> SimpleUploadedFile:
    """A small photo-like JPEG (a gradient), generated here."""
    image = Image.new("RGB", (800, 533))
    draw = ImageDraw.Draw(image)
    for row in range(533):
        draw.line([(0, row), (800, row)], fill=(40 + row // 4, 120, 200 - row // 4))
    buffer = io.BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), "image/jpeg")


def seed_documents(*, demo_users: dict[str, User]) -> list[str]:
    animator = demo_users["animation"]
    created = 0
    for position, (name, description) in enumerate(SHELVES):
        ResourceFolder.objects.get_or_create(
            name=name, defaults={"description": description, "position": position}
        )
    for shelf_name, title, filename in RESOURCES:
        if Resource.objects.filter(title=title).exists():
            continue
        services.resource_add(
            user=animator,
            folder=ResourceFolder.objects.get(name=shelf_name),
            title=title,
            description="",
            uploaded=_pdf(title, filename),
        )
        created += 1
    council = Council.objects.filter(slug="alma-roubaix").first()
    coordinator = demo_users["coordination-a"]
    if council is not None and not Document.objects.filter(council=council).exists():
        folder = services.folder_create(
            user=coordinator, council=council, parent=None, name="Comptes rendus"
        )
        report = services.document_upload(
            user=coordinator,
            council=council,
            folder=folder,
            uploaded=_pdf("Compte rendu de la réunion de mars", "compte-rendu-mars.pdf"),
        )
        services.item_publish(user=coordinator, item=report, public=True)
        services.document_upload(
            user=coordinator,
            council=council,
            folder=None,
            uploaded=SimpleUploadedFile(
                "contacts.csv", "nom;rôle\nFatou;coordination\nJulien;membre\n".encode()
            ),
        )
        services.document_upload(
            user=coordinator,
            council=council,
            folder=folder,
            uploaded=_photo("fete-de-quartier.jpg"),
        )
    if council is not None and not Page.objects.filter(council=council).exists():
        charter = services.page_create(
            user=coordinator,
            council=council,
            title="Notre charte de fonctionnement",
            body=(
                "## Nos règles\n\n- On s'écoute.\n- On décide ensemble.\n"
                "- On rend compte aux habitants."
            ),
        )
        member = demo_users["membre-a"]
        services.page_save(
            user=member,
            page=charter,
            body=charter.current.body + "\n- On accueille chaque nouvel habitant.",
            summary="Ajout de l'accueil des nouveaux",
            based_on=1,
        )
    return [f"Resources: {created} created."]

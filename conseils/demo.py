"""The demo data of DESIGN.md: accounts for every role, a French population.

Deterministic and idempotent: running it again finds what is there and adds
only what is missing. Later apps add their own part to ``seed``.
"""

from __future__ import annotations

import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.utils import timezone

from accounts.models import GrammaticalGender, User
from accounts.roles import animator_appoint

from .demo_councils import seed_councils
from .demo_documents import seed_documents
from .demo_events import seed_events
from .demo_forums import seed_forums
from .demo_life import seed_life
from .demo_news import seed_news
from .demo_pages import seed_pages
from .demo_support import seed_support

PASSWORD = "demo-conseils-2026"  # noqa: S105 (documented demo password)  # nosec B105
DOMAIN = "demo.conseils.test"

DEMO_ACCOUNTS = [
    # (local part, display name, town, role)
    ("admin", "Équipe technique", "Paris", "superuser"),
    ("animation", "Nadia Benali", "Lyon", "animator"),
    ("referent", "Olivier Marchand", "Roubaix", "referent"),
    ("coordination-a", "Fatou Diallo", "Roubaix", "coordinator"),
    ("membre-a", "Julien Lefèvre", "Roubaix", "member"),
    ("membre-b", "Samira Haddad", "Tourcoing", "member"),
    ("habitant", "Lucas Moreau", "Marseille", "registered"),
]
STAFF_DEMO_ROLES = {"superuser", "animator", "referent"}
# How the site names each demo account's roles: both French forms show in
# the demo (« coordinatrice », « référent »); the others keep both forms.
DEMO_GRAMMATICAL_GENDERS = {
    "animation": GrammaticalGender.FEMININE,
    "referent": GrammaticalGender.MASCULINE,
    "coordination-a": GrammaticalGender.FEMININE,
    "membre-a": GrammaticalGender.MASCULINE,
}

FIRST_NAMES = [
    "Aïcha",
    "Alain",
    "Amandine",
    "Bernard",
    "Brigitte",
    "Camille",
    "Chantal",
    "Christophe",
    "Claire",
    "Damien",
    "Élodie",
    "Émilie",
    "Fabrice",
    "Farid",
    "Françoise",
    "Gérard",
    "Hélène",
    "Hugo",
    "Inès",
    "Isabelle",
    "Jacqueline",
    "Jean",
    "Karim",
    "Kévin",
    "Laetitia",
    "Léa",
    "Louise",
    "Malik",
    "Manon",
    "Marie",
    "Mehdi",
    "Michel",
    "Monique",
    "Moussa",
    "Nathalie",
    "Nicolas",
    "Océane",
    "Patrick",
    "Pierre",
    "Rachid",
    "Sandrine",
    "Sébastien",
    "Sophie",
    "Sylvie",
    "Thomas",
    "Valérie",
    "Yasmine",
    "Youssef",
]
# How each resident is named in their roles (coordinatrice, coordinateur):
# as their first name suggests; Camille, who could be either, keeps both
# forms, as anyone who has not chosen.
FEMININE_FIRST_NAMES = {
    "Aïcha", "Amandine", "Brigitte", "Chantal", "Claire", "Élodie", "Émilie",
    "Françoise", "Hélène", "Inès", "Isabelle", "Jacqueline", "Laetitia", "Léa",
    "Louise", "Manon", "Marie", "Monique", "Nathalie", "Océane", "Sandrine",
    "Sophie", "Sylvie", "Valérie", "Yasmine",
}  # fmt: skip
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Benali",
    "Traoré",
    "Nguyen",
    "Mendy",
    "Cissé",
    "Haddad",
    "Bouzid",
    "Da Silva",
    "Ferreira",
    "Kaya",
    "Yilmaz",
]
TOWNS = [
    "Roubaix",
    "Tourcoing",
    "Lille",
    "Amiens",
    "Marseille",
    "Nîmes",
    "Montpellier",
    "Toulouse",
    "Bordeaux",
    "Nantes",
    "Rennes",
    "Le Havre",
    "Rouen",
    "Strasbourg",
    "Mulhouse",
    "Grenoble",
    "Saint-Étienne",
    "Clermont-Ferrand",
    "Vaulx-en-Velin",
    "Villeurbanne",
    "Sarcelles",
    "Clichy-sous-Bois",
    "Aulnay-sous-Bois",
    "Saint-Denis",
    "Argenteuil",
    "Évry-Courcouronnes",
    "Mantes-la-Jolie",
    "Trappes",
    "Creil",
    "Dreux",
]
BIOS = [
    "Habitante du quartier depuis vingt ans, je m'occupe de l'aide aux devoirs.",
    "Je participe au conseil pour améliorer la propreté et les espaces verts.",
    "Retraité, bénévole à l'amicale des locataires.",
    "Parent d'élèves, je voudrais plus d'activités pour les jeunes le mercredi.",
    "Je suis arrivé il y a deux ans et j'aimerais mieux connaître mes voisins.",
    "",
]
BASE_POPULATION = 60


def seed(*, scale: int = 0) -> list[str]:
    report = []
    created = _seed_demo_accounts()
    report.append(
        f"Demo accounts: {created} created, {len(DEMO_ACCOUNTS) - created} already there."
    )
    total = BASE_POPULATION * (1 + scale)
    created = _seed_population(total)
    report.append(f"Residents: {created} created, {total - created} already there.")
    demo_users = {
        user.email.split("@")[0]: user
        for user in User.objects.filter(email__endswith=f"@{DOMAIN}", email__regex=r"^[a-z-]+@")
    }
    report.extend(seed_councils(scale=scale, demo_users=demo_users))
    report.extend(seed_forums(demo_users=demo_users))
    report.extend(seed_documents(demo_users=demo_users))
    report.extend(seed_news(demo_users=demo_users))
    report.extend(seed_events(demo_users=demo_users))
    report.extend(seed_pages(demo_users=demo_users))
    report.extend(seed_support(scale=scale, demo_users=demo_users))
    report.extend(seed_life(demo_users=demo_users))
    return report


def _seed_demo_accounts() -> int:
    created_count = 0
    joined = timezone.now() - timedelta(days=200)
    for local_part, display_name, town, role in DEMO_ACCOUNTS:
        email = f"{local_part}@{DOMAIN}"
        user, created = User.objects.get_or_create(
            email=email,
            defaults={
                "display_name": display_name,
                "town": town,
                "grammatical_gender": DEMO_GRAMMATICAL_GENDERS.get(
                    local_part, GrammaticalGender.UNSPECIFIED
                ),
                "publish_town": True,
                # The staff roles keep their profile unpublished, as the site's default.
                "publish_profile": role not in STAFF_DEMO_ROLES,
                "date_joined": joined,
                "is_staff": role == "superuser",
                "is_superuser": role == "superuser",
            },
        )
        if created:
            user.set_password(PASSWORD)
            user.save(update_fields=["password"])
            created_count += 1
        _verify_email(user)
        if role == "animator":
            animator_appoint(user=user, system=True)
    return created_count


def _gender_of(first_name: str) -> str:
    if first_name == "Camille":
        return GrammaticalGender.UNSPECIFIED
    if first_name in FEMININE_FIRST_NAMES:
        return GrammaticalGender.FEMININE
    return GrammaticalGender.MASCULINE


def _seed_population(total: int) -> int:
    rng = random.Random(2026)  # noqa: S311 (demo data, not security)  # nosec B311
    existing = set(
        User.objects.filter(email__endswith=f"@habitants.{DOMAIN}").values_list("email", flat=True)
    )
    now = timezone.now()
    new_users = []
    people = []
    for index in range(total):
        first = rng.choice(FIRST_NAMES)
        last = rng.choice(LAST_NAMES)
        town = rng.choice(TOWNS)
        bio = rng.choice(BIOS)
        days = rng.randint(30, 900)
        email = f"habitant-{index + 1:05d}@habitants.{DOMAIN}"
        people.append(email)
        if email in existing:
            continue
        user = User(
            email=email,
            display_name=f"{first} {last[0]}.",
            town=town,
            bio=bio,
            publish_town=rng.random() < 0.6,
            publish_bio=bool(bio) and rng.random() < 0.5,
            date_joined=now - timedelta(days=days),
            grammatical_gender=_gender_of(first),
        )
        # Those who show their presentation publish their profile: no new
        # draw, so the same seed still makes the same people.
        user.publish_profile = user.publish_bio
        # Residents log in only through a password reset: no shared password.
        user.set_unusable_password()
        new_users.append(user)
    User.objects.bulk_create(new_users, batch_size=500)
    if new_users:
        without_address = User.objects.filter(
            email__endswith=f"@habitants.{DOMAIN}", emailaddress__isnull=True
        )
        EmailAddress.objects.bulk_create(
            [
                EmailAddress(user_id=pk, email=email, verified=True, primary=True)
                for pk, email in without_address.values_list("pk", "email")
            ],
            batch_size=500,
        )
    return len(new_users)


def _verify_email(user: User) -> None:
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )

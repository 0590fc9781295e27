"""The account's own section of "Mes données"."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.utils.translation import gettext_lazy as _

from .models import User
from .personal_data import ExportPart, PersonalDataSection
from .roles import is_animator

SECTION_KEY = "account"


def export_account(user: User) -> ExportPart:
    files = {}
    if user.avatar:
        files[user.avatar.name.rsplit("/", 1)[-1]] = user.avatar
    return ExportPart(
        data={
            "email": user.email,
            "display_name": user.display_name,
            "bio": user.bio,
            "town": user.town,
            "grammatical_gender": user.grammatical_gender,
            "published_on_public_profile": {
                "profile": user.publish_profile,
                "avatar": user.publish_avatar,
                "bio": user.publish_bio,
                "town": user.publish_town,
            },
            # Where the file sits in the zip: the export puts each section's
            # files in a folder named after the section.
            "avatar_file": f"{SECTION_KEY}/{next(iter(files))}" if files else None,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "national_animation": is_animator(user),
            "email_addresses": [
                {"email": address.email, "verified": address.verified, "primary": address.primary}
                for address in EmailAddress.objects.filter(user=user).order_by("pk")
            ],
            "two_factor_methods": [
                {"type": authenticator.type, "created_at": authenticator.created_at}
                for authenticator in Authenticator.objects.filter(user=user).order_by("pk")
            ],
        },
        files=files,
    )


ACCOUNT_SECTION = PersonalDataSection(
    key=SECTION_KEY,
    export=export_account,
    title=_("Your account and your profile."),
    contents=(
        ("email", _("the address you log in with")),
        ("display_name, bio, town", _("your name, presentation and town, as on your profile")),
        (
            "grammatical_gender",
            _("how the site names your roles: feminine, masculine, or both forms when empty"),
        ),
        ("published_on_public_profile", _("what you chose to show on your public profile")),
        ("avatar_file", _("where your avatar is in this archive")),
        ("date_joined, last_login", _("when you signed up and last logged in")),
        ("national_animation", _("whether you belong to the national animation team")),
        ("email_addresses", _("your e-mail addresses and whether they are confirmed")),
        ("two_factor_methods", _("the two-factor authentication methods you set up")),
    ),
    files_description=_("Your avatar, as the site keeps it."),
)

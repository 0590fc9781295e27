"""The user: an e-mail address, a display name, and an optional public profile."""

from __future__ import annotations

import uuid

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

DISPLAY_NAME_MAX_LENGTH = 80
BIO_MAX_LENGTH = 600
TOWN_MAX_LENGTH = 120


def avatar_upload_to(user: User, filename: str) -> str:
    # A fresh random name each time: no personal data in URLs, no stale caches.
    return f"avatars/{uuid.uuid4().hex}.webp"


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create_user(self, email: str, password: str | None, **extra_fields) -> User:
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email: str, password: str | None = None, **extra_fields) -> User:
        extra_fields["is_staff"] = True
        extra_fields["is_superuser"] = True
        return self._create_user(email, password, **extra_fields)


class GrammaticalGender(models.TextChoices):
    """How the site's French names a person's roles (« coordinatrice »,
    « coordinateur »); unspecified gives both forms (accounts/wording.py)."""

    UNSPECIFIED = "", _("Both forms, for example: coordinator (feminine or masculine)")
    FEMININE = "feminine", _("In the feminine, for example: coordinator (feminine)")
    MASCULINE = "masculine", _("In the masculine, for example: coordinator (masculine)")


class User(AbstractBaseUser, PermissionsMixin):
    """An account, identified by its e-mail address (no username)."""

    email = models.EmailField(_("e-mail address"), unique=True)
    display_name = models.CharField(
        _("display name"),
        max_length=DISPLAY_NAME_MAX_LENGTH,
        help_text=_("The name other people see next to what you write."),
    )
    avatar = models.ImageField(_("avatar"), upload_to=avatar_upload_to, blank=True)
    bio = models.TextField(_("short presentation"), max_length=BIO_MAX_LENGTH, blank=True)
    town = models.CharField(_("town"), max_length=TOWN_MAX_LENGTH, blank=True)
    grammatical_gender = models.CharField(
        _("How should we name you?"),
        max_length=9,
        choices=GrammaticalGender.choices,
        default=GrammaticalGender.UNSPECIFIED,
        blank=True,
        help_text=_(
            "Only used to name your roles on the site, for example coordinator of a council. "
            "It is never shown as such."
        ),
    )
    # Off by default: nobody's name is listed under /membres/<n>/ without consent.
    publish_profile = models.BooleanField(
        _("make my profile public"),
        default=False,
        help_text=_(
            "Anyone can then open your profile page from your name. Otherwise only you see "
            "it, and your name next to your messages is not a link."
        ),
    )
    publish_avatar = models.BooleanField(_("show my avatar on my public profile"), default=False)
    publish_bio = models.BooleanField(_("show my presentation on my public profile"), default=False)
    publish_town = models.BooleanField(_("show my town on my public profile"), default=False)
    is_staff = models.BooleanField(
        _("staff status"),
        default=False,
        help_text=_("Designates whether the user can log into the admin site."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)

    objects = UserManager()

    EMAIL_FIELD = "email"
    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = ["display_name"]

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["display_name", "pk"]

    def __str__(self) -> str:
        return self.display_name or self.email

    def get_absolute_url(self) -> str:
        return reverse("accounts:public_profile", kwargs={"pk": self.pk})

    def get_full_name(self) -> str:
        return self.display_name

    def get_short_name(self) -> str:
        return self.display_name

    @property
    def has_public_details(self) -> bool:
        return bool(
            (self.publish_avatar and self.avatar)
            or (self.publish_bio and self.bio)
            or (self.publish_town and self.town)
        )

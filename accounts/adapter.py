"""allauth customised through its adapter, not by copying its views."""

from __future__ import annotations

from urllib.parse import urlencode

from allauth.account import app_settings
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.internal.ratelimit import get_ip
from allauth.mfa.utils import is_mfa_enabled
from django.conf import settings
from django.shortcuts import resolve_url

from . import address_proofs


class AccountAdapter(DefaultAccountAdapter):
    def get_from_email(self) -> str:
        return settings.DEFAULT_FROM_EMAIL

    def render_mail(self, template_prefix, email, context, headers=None):
        message = super().render_mail(template_prefix, email, context, headers=headers)
        # Names the message in the logs and the admins' report should it
        # fail to build (outbox.payloads), instead of its content.
        message.template_name = template_prefix
        return message

    def format_email_subject(self, subject: str) -> str:
        prefix = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
        return subject if subject.startswith(prefix) else f"{prefix}{subject}"

    def populate_username(self, request, user) -> None:
        # Accounts have no username; the e-mail address is the identifier.
        return None

    def _get_login_attempts_cache_key(self, request, **credentials) -> str:
        """The key of the ``key`` rate of ``ACCOUNT_RATE_LIMITS["login_failed"]``:
        the client's address and the account together, so that wrong passwords
        typed from one address lock that address out of that account, never
        the owner logging in from elsewhere. The ``ip`` rates still bound each
        address over every account. (allauth asks this method both before
        checking a password and when a password reset clears the failures.)"""
        return f"{get_ip(request)}:{super()._get_login_attempts_cache_key(request, **credentials)}"

    def unstash_verified_email(self, request) -> str | None:
        """An address proved elsewhere (an invitation link opened from its
        mailbox) counts as verified only if the proof still holds now (the
        invitation is still open and its link valid: ``address_proofs``), and
        only for an account created with that very address; another typed
        address is confirmed the usual way, and the proved one is not attached
        to the account. allauth's own stash only fills in the form."""
        super().unstash_verified_email(request)
        typed = (request.POST.get("email") or "").strip().lower()
        proved = address_proofs.proved_addresses(request)
        address_proofs.forget_all(request)
        return typed if typed and typed in proved else None

    def is_email_verified(self, request, email: str) -> bool:
        # allauth's default trusts its session stash; ours asks the proofs.
        return email.strip().lower() in address_proofs.proved_addresses(request)

    def get_email_verification_redirect_url(self, email_address) -> str:
        """Confirmed in a browser where nobody is logged in (the link opened
        on a phone, say): log in, then land where a newcomer lands after
        signing up (ACCOUNT_SIGNUP_REDIRECT_URL), which sends members of a
        council on to their usual place. Logged in (a changed address): the
        usual place, as allauth does."""
        if self.request.user.is_authenticated:
            return super().get_email_verification_redirect_url(email_address)
        login = resolve_url(app_settings.EMAIL_CONFIRMATION_ANONYMOUS_REDIRECT_URL)
        return f"{login}?{urlencode({'next': resolve_url(app_settings.SIGNUP_REDIRECT_URL)})}"

    def get_reauthentication_methods(self, user) -> list[dict]:
        """An account with two-factor authentication confirms it is its owner
        with that second factor (an authenticator app's code or a recovery
        code): a code e-mailed, or the password alone, would let whoever reads
        the mailbox turn two-factor off or delete the account. allauth's
        reauthentication views and redirects all ask this list."""
        methods = super().get_reauthentication_methods(user)
        if user.is_authenticated and is_mfa_enabled(user):
            methods = [method for method in methods if method["id"].startswith("mfa_")]
        return methods

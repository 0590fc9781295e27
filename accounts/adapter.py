"""allauth customised through its adapter, not by copying its views."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.conf import settings


class AccountAdapter(DefaultAccountAdapter):
    def get_from_email(self) -> str:
        return settings.DEFAULT_FROM_EMAIL

    def render_mail(self, template_prefix, email, context, headers=None):
        message = super().render_mail(template_prefix, email, context, headers=headers)
        # Names the message in the logs and the admins' report should it
        # fail to build (conseils.mail), instead of its content.
        message.template_name = template_prefix
        return message

    def format_email_subject(self, subject: str) -> str:
        prefix = settings.ACCOUNT_EMAIL_SUBJECT_PREFIX
        return subject if subject.startswith(prefix) else f"{prefix}{subject}"

    def populate_username(self, request, user) -> None:
        # Accounts have no username; the e-mail address is the identifier.
        return None

    def unstash_verified_email(self, request) -> str | None:
        """An address proved elsewhere (an invitation link opened from its
        mailbox) counts as verified only for an account created with that
        very address; another typed address is confirmed the usual way, and
        the proved one is not attached to the account."""
        stashed = super().unstash_verified_email(request)
        typed = (request.POST.get("email") or "").strip().lower()
        if stashed and typed and stashed.lower() != typed:
            return None
        return stashed

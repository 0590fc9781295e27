"""allauth's forms that take an address, through ``common.forms``: the
address they e-mail (a confirmation, a reset link) loses control characters
like every field of the site. Named in ``ACCOUNT_FORMS``; the sign-up form
gets it from ``SignupProfileForm``, its base.

Apart from ``accounts/forms.py``: allauth's forms module imports the sign-up
form class from there.
"""

from __future__ import annotations

from allauth.account import forms as allauth_forms

from common.forms import ControlCharactersMixin


class LoginForm(ControlCharactersMixin, allauth_forms.LoginForm):
    pass


class AddEmailForm(ControlCharactersMixin, allauth_forms.AddEmailForm):
    pass


class ChangeEmailForm(ControlCharactersMixin, allauth_forms.ChangeEmailForm):
    pass


class ResetPasswordForm(ControlCharactersMixin, allauth_forms.ResetPasswordForm):
    pass


class RequestLoginCodeForm(ControlCharactersMixin, allauth_forms.RequestLoginCodeForm):
    pass

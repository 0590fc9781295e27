"""The site's words on allauth's pages (log in, sign up).

Their French came from elsewhere: "Courriel" (Django's own catalogue, which
wins over allauth's for "Email"), "merci de vous enregistrer au préalable",
"Vous pouvez donc vous connecter". The site says "adresse e-mail",
"s’inscrire", "se connecter". The project's catalogue (LOCALE_PATHS) comes
before every app's, so these msgids, listed here for ``make messages`` to
keep them, take the site's translation. Nothing imports this module.
"""

from django.utils.translation import gettext_noop

ALLAUTH_WORDING = (
    gettext_noop("Email"),
    gettext_noop(
        "If you have not created an account yet, then please %(link)ssign up%(end_link)s first."
    ),
    gettext_noop("Already have an account? Then please %(link)ssign in%(end_link)s."),
)


# allauth's e-mails, whose French (allauth's catalogue) writes the straight
# apostrophe where every other e-mail of the site writes ’, and "email" where
# the site says "e-mail". Same rule as above: the project's catalogue wins.
ALLAUTH_EMAIL_WORDING = (
    gettext_noop(
        "You are receiving this email because you or someone else tried to signup for "
        "an\naccount using email address:\n\n%(email)s\n\nHowever, an account using "
        "that email address already exists.  In case you have\nforgotten about this, "
        "please use the password forgotten procedure to recover\nyour account:\n\n"
        "%(password_reset_url)s"
    ),
    gettext_noop(
        "If you do not recognize this change then please take proper security "
        "precautions immediately. The change to your account originates from:\n\n- IP "
        "address: %(ip)s\n- Browser: %(user_agent)s\n- Date: %(timestamp)s"
    ),
    gettext_noop("Email address %(deleted_email)s has been removed from your account."),
    gettext_noop("Your sign-in code is listed below. Please enter it in your open browser window."),
    gettext_noop("This mail can be safely ignored if you did not initiate this action."),
    gettext_noop(
        "Your password reset code is listed below. Please enter it in your open browser window."
    ),
    gettext_noop(
        "You're receiving this email because you or someone else has requested a "
        "password reset for your user account.\nIt can be safely ignored if you did "
        "not request a password reset. Click the link below to reset your password."
    ),
    gettext_noop("In case you forgot, your username is %(username)s."),
    gettext_noop(
        "You are receiving this email because you, or someone else, tried to access an "
        "account with email %(email)s. However, we do not have any record of such an "
        "account in our database."
    ),
    gettext_noop("If it was you, you can sign up for an account using the link below."),
    gettext_noop("A new set of Two-Factor Authentication recovery codes has been generated."),
    gettext_noop("Authenticator app activated."),
    gettext_noop("Authenticator App Activated"),
    gettext_noop("Authenticator app deactivated."),
    gettext_noop("Authenticator App Deactivated"),
)

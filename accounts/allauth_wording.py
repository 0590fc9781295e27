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

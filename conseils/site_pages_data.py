"""The showcase's editable pages as the site first ships them, in French.

Read by the migration that creates them, by ``seed_demo`` (which puts back a
page that went missing) and by the root URLs (one address per page). Once
created, a page lives in the database and the animator edits it in the site;
changing a text here changes no existing page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

NBSP = "\u00a0"


def _fr(text: str) -> str:
    """French typography: no-break spaces before ? ! : ; and inside « » (typed
    here as plain spaces, so the texts stay readable)."""
    text = re.sub(r" ([?!:;»])", NBSP + r"\1", text)
    return text.replace("« ", "«" + NBSP)


def _md(*blocks: str) -> str:
    """Markdown made of blocks (paragraphs, headings, lists) separated by a blank line.

    Lines inside a paragraph would become line breaks (``nl2br``): each
    paragraph is one string, written over several source lines.
    """
    return "\n\n".join(_fr(block) for block in blocks)


@dataclass(frozen=True)
class PageData:
    slug: str  # also the address: /<slug>/
    url_name: str  # the name templates and tests reverse
    title: str
    summary: str
    body: str

    def __post_init__(self):
        for field in ("title", "summary"):
            object.__setattr__(self, field, _fr(getattr(self, field)))


PAGES: list[PageData] = [
    PageData(
        slug="les-conseils-citoyens",
        url_name="councils_about",
        title="Qu’est-ce qu’un conseil citoyen ?",
        summary=(
            "Les conseils citoyens réunissent des habitants et des acteurs locaux des "
            "quartiers prioritaires de la politique de la ville : qui y siège, ce qu’ils "
            "font, comment les rejoindre."
        ),
        body=_md(
            "Créés par la loi du 21 février 2014 de programmation pour la ville et la "
            "cohésion urbaine, les conseils citoyens existent dans chacun des quartiers "
            "prioritaires de la politique de la ville.",
            "## Qui siège dans un conseil ?",
            "Des habitants du quartier, dont une partie tirée au sort, et des représentants "
            "des associations et acteurs locaux. Chacun participe bénévolement.",
            "## Que fait un conseil ?",
            "Il participe à l’élaboration, au suivi et à l’évaluation du contrat de ville. "
            "Il donne la parole aux habitants et porte leurs propositions, en toute "
            "indépendance vis-à-vis de l’État et des collectivités.",
            "## Comment rejoindre un conseil ?",
            "[Créez un compte](/compte/signup/), puis demandez à rejoindre le conseil de "
            "votre quartier depuis [l’annuaire des conseils](/conseils/). Sa coordination "
            "ou la personne référente de votre département répondra à votre demande.",
        ),
    ),
    PageData(
        slug="a-propos",
        url_name="about",
        title="À propos de la plateforme",
        summary=(
            "La plateforme nationale des conseils citoyens : une vitrine publique, un espace "
            "privé pour chaque conseil et des forums pour échanger entre conseils."
        ),
        body=_md(
            "Cette plateforme est celle des conseils citoyens des quartiers prioritaires de "
            "la politique de la ville. Elle est animée par l’équipe d’animation nationale.",
            "## Ce que vous y trouvez",
            "- **Une vitrine publique** : ce qu’est un conseil citoyen, "
            "[l’annuaire des conseils](/conseils/), leurs pages publiques, les actualités "
            "nationales et des [ressources](/ressources/) à télécharger.\n"
            "- **Un espace privé pour chaque conseil** : ses membres y discutent, y rangent "
            "leurs fichiers et y écrivent des documents ensemble.\n"
            "- **Des [forums nationaux](/forums/)** pour échanger les bonnes pratiques entre "
            "conseils de toute la France.",
            "## Chaque conseil est autonome",
            "Les conseils citoyens sont indépendants de l’État et des collectivités. "
            "L’espace privé d’un conseil n’est lu que par ses membres : ni l’équipe "
            "d’animation nationale, ni les personnes référentes n’y ont accès.",
            "## Qui fait quoi ?",
            "- **L’équipe d’animation nationale** anime les forums nationaux, publie les "
            "actualités et les ressources, et répond aux demandes d’aide.\n"
            "- **Les personnes référentes** accompagnent les conseils de leur département et "
            "gèrent leurs adhésions.\n"
            "- **La coordination** de chaque conseil accueille les nouveaux membres et "
            "tient la page publique du conseil.",
            "## Une question ?",
            "Consultez les [questions fréquentes](/questions-frequentes/) ou "
            "[écrivez-nous](/contact/) : l’équipe répond sous 24 heures.",
        ),
    ),
    PageData(
        slug="questions-frequentes",
        url_name="faq",
        title="Questions fréquentes",
        summary=(
            "Les réponses aux questions les plus courantes sur les conseils citoyens et sur "
            "la plateforme : inscription, confidentialité, aide, suppression du compte."
        ),
        body=_md(
            "## Qu’est-ce qu’un conseil citoyen ?",
            "Un groupe d’habitants et d’acteurs locaux d’un quartier prioritaire, créé par "
            "la loi du 21 février 2014. Il participe au contrat de ville et porte la parole "
            "des habitants, en toute indépendance. "
            "[En savoir plus](/les-conseils-citoyens/).",
            "## À quoi sert cette plateforme ?",
            "À faire connaître les conseils citoyens, à offrir à chaque conseil un espace "
            "privé pour travailler, et à permettre aux conseils d’échanger entre eux dans "
            "les forums nationaux.",
            "## Qui peut rejoindre un conseil ?",
            "Les habitants du quartier et les représentants des associations et acteurs "
            "locaux. [Créez un compte](/compte/signup/), trouvez votre conseil dans "
            "[l’annuaire](/conseils/) et demandez à le rejoindre : sa coordination ou "
            "la personne référente de votre département vous répondra.",
            "## Est-ce payant ?",
            "Non. La plateforme est gratuite pour tout le monde, et la participation à un "
            "conseil citoyen est bénévole.",
            "## Qui lit ce que j’écris dans l’espace de mon conseil ?",
            "Seulement les membres de votre conseil. Personne d’autre : ni l’équipe "
            "d’animation nationale, ni les personnes référentes, ni les autres conseils. "
            "Si un conseil partage un dossier avec un autre conseil, ce partage est visible "
            "par ses membres et peut être retiré à tout moment.",
            "## Comment créer un conseil citoyen sur la plateforme ?",
            "Ce sont les personnes référentes qui créent les conseils de leur département. "
            "Si votre conseil n’apparaît pas dans [l’annuaire](/conseils/), "
            "[écrivez-nous](/contact/) : nous vous mettrons en relation avec la personne "
            "référente.",
            "## Comment obtenir de l’aide ?",
            "Consultez la page [Aide](/aide/) ou [écrivez-nous](/contact/). L’équipe "
            "d’animation nationale répond à chaque demande sous 24 heures et vous rappelle "
            "si votre situation le demande.",
            "## Comment supprimer mon compte ?",
            "Sur la page [Mes données](/mes-donnees/), vous pouvez télécharger tout ce que "
            "le site conserve sur vous, puis supprimer votre compte. Vos messages restent, "
            "signés « compte supprimé ».",
            "## Le site est-il accessible ?",
            "Nous le voulons utilisable par tous, sur téléphone comme sur ordinateur, et "
            "sans JavaScript. Il est partiellement conforme au RGAA : voir la "
            "[déclaration d’accessibilité](/accessibilite/). Si un contenu vous est "
            "inaccessible, [dites-le-nous](/contact/) : nous vous le transmettrons sous une "
            "autre forme.",
        ),
    ),
    PageData(
        slug="mentions-legales",
        url_name="legal_notice",
        title="Mentions légales",
        summary=(
            "Éditeur, hébergement, responsabilité des contenus et logiciels libres de la "
            "plateforme nationale des conseils citoyens."
        ),
        body=_md(
            "## Éditeur",
            "Ce site est édité par l’animation nationale des conseils citoyens. Directeur ou "
            "directrice de la publication : la personne responsable de l’animation nationale.",
            "## Hébergement",
            "Le site est hébergé en France par un prestataire lié par un contrat de "
            "sous-traitance des données.",
            "## Contenus",
            "Chaque conseil est responsable de ce qu’il publie. Les messages des forums "
            "engagent leurs auteurs. Signalez tout contenu illicite à "
            "[l’équipe d’animation nationale](/contact/).",
            "## Logiciels libres",
            "La plateforme est construite avec des logiciels libres : Django, "
            "django-allauth, Celery et PostgreSQL, entre autres.",
        ),
    ),
    PageData(
        slug="accessibilite",
        url_name="accessibility",
        title="Déclaration d’accessibilité",
        summary=(
            "L’accessibilité de la plateforme des conseils citoyens : état de conformité au "
            "RGAA, ce qui a été fait, comment signaler un problème."
        ),
        body=_md(
            "L’animation nationale des conseils citoyens s’engage à rendre son site "
            "accessible, conformément à l’article 47 de la loi n° 2005-102 du 11 février 2005.",
            "## État de conformité",
            "Le site est partiellement conforme au référentiel général d’amélioration de "
            "l’accessibilité (RGAA 4.1) : aucun audit complet n’a encore été mené. Chaque "
            "page est testée automatiquement avec axe-core dans un vrai navigateur.",
            "## Ce que nous avons fait",
            "- Un lien d’évitement vers le contenu, un focus visible et une structure de "
            "titres lisible.\n"
            "- Chaque champ de formulaire a une étiquette ; les erreurs sont expliquées en "
            "toutes lettres.\n"
            "- Les contrastes de couleurs sont vérifiés ; le site fonctionne sans JavaScript "
            "et sur téléphone.",
            "## Retour d’information et contact",
            "Si vous n’arrivez pas à accéder à un contenu ou à un service, "
            "[écrivez-nous](/contact/) : nous vous transmettrons l’information sous une "
            "autre forme.",
            "## Voies de recours",
            "Si vous nous avez signalé un problème sans obtenir de réponse satisfaisante, "
            "vous pouvez écrire au [Défenseur des droits](https://www.defenseurdesdroits.fr/) "
            "ou à l’un de ses délégués.",
        ),
    ),
    PageData(
        slug="donnees-personnelles",
        url_name="personal_data",
        title="Données personnelles",
        summary=(
            "Les données que la plateforme des conseils citoyens conserve, qui peut les "
            "lire, et comment les télécharger ou les supprimer."
        ),
        body=_md(
            "Nous ne collectons que ce dont la plateforme a besoin pour fonctionner, et nous "
            "ne le vendons ni ne le cédons jamais.",
            "## Ce que nous conservons",
            "- Votre adresse e-mail et votre mot de passe (conservé sous une forme que "
            "personne ne peut relire), pour vous permettre de vous connecter.\n"
            "- Votre nom affiché et, si vous les indiquez, votre avatar, votre courte "
            "présentation et votre ville.\n"
            "- Ce que vous écrivez et partagez dans les conseils et forums auxquels vous "
            "participez.",
            "## Qui y a accès",
            "Ce que vous écrivez dans l’espace privé d’un conseil n’est lu que par ses "
            "membres. Votre profil public ne montre que les champs que vous avez choisi de "
            "publier.",
            "## Vos droits",
            "Sur la page [« Mes données »](/mes-donnees/), vous pouvez télécharger tout ce "
            "que le site conserve sur vous et supprimer votre compte. Vos messages restent "
            "alors, signés « compte supprimé ».",
            "Vous pouvez aussi saisir la [CNIL](https://www.cnil.fr/) si vous estimez que "
            "vos droits ne sont pas respectés.",
        ),
    ),
]

URL_NAMES: dict[str, str] = {page.slug: page.url_name for page in PAGES}

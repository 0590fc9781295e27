"""The site's four journeys, each one person's path through the real pages:
clicks and typing as they would do them, then what they see and what the
database holds. Each step leaves a screenshot, written to
tmp/e2e-screenshots/ when the test fails (the ``step`` fixture)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from playwright.sync_api import expect

from accounts.models import GrammaticalGender, User
from councils.models import Council, Invitation, JoinRequest, Membership
from councils.services import memberships as membership_services
from documents import services as document_services
from documents.models import Document, Page
from forums.models import Forum, Post, Report, Topic
from notifications.tasks import send_daily_digests
from support.models import HelpMessage, HelpRequest
from tests.accounts.factories import PASSWORD, UserFactory
from tests.councils.factories import coordinator_of, council_create, department, referent_of
from tests.e2e.browser import axe_violations, log_in, menu
from tests.forums.factories import national_forum, reply_in, topic_in
from tests.news.factories import animator, article_create
from tests.support.factories import help_request_submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"locale": "fr-FR", "viewport": {"width": 390, "height": 844}}
NEWCOMER_EMAIL = "samira.haddad@exemple.test"
NEWCOMER_PASSWORD = "Jardin-de-l-Alma-2026"


def established(**fields) -> User:
    """An account made a year ago: the limits meant for brand-new accounts
    (pace, first posts held for approval) do not apply to it."""
    return UserFactory(date_joined=timezone.now() - timedelta(days=365), **fields)


@pytest.fixture
def other_page(browser, live_server, step):
    """A second person, in their own browser (cookies apart), on a phone too;
    screenshot with the first page if the test fails."""
    context = browser.new_context(**PHONE)
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield step.watch(page)
    context.close()


def link_in_last_email(to: str, path: str) -> str:
    """The link to ``path…`` in the last e-mail sent to ``to``."""
    message = next(message for message in reversed(mail.outbox) if to in message.to)
    return re.search(rf"https?://[^/\s]+{path}\S+", message.body).group(0)


def test_a_citizen_finds_a_council_near_them_and_reads_its_news(page, live_server, step):
    alma = council_create(
        name="Conseil citoyen de l'Alma",
        town="Roubaix",
        presentation="Les habitants de l'Alma, tous les mercredis.",
    )
    council_create(name="Conseil citoyen de la Bourgogne", town="Tourcoing")
    council_create(name="Conseil citoyen des Pentes", town="Lyon", department=department("69"))
    coordinator = coordinator_of(alma, established(display_name="Fatou Diallo"))
    article = article_create(
        author=coordinator,
        council=alma,
        title="Le jardin partagé ouvre ses parcelles",
        summary="Douze parcelles pour les familles du quartier.",
        body="Inscriptions à la **maison de quartier** avant le 15 mars.",
    )
    article_create(
        author=coordinator, council=alma, state="draft", title="Brouillon : compte rendu"
    )

    page.goto(f"{live_server.url}/")
    step(page, "home page")
    finder = page.get_by_role("search", name="Trouver le conseil près de chez vous")
    finder.get_by_label("Ville").fill("Roubaix")
    finder.get_by_label("Département").select_option(label="59 – Nord")
    finder.get_by_role("button", name="Rechercher").click()
    page.wait_for_url(re.compile(r"/conseils/\?.*town=Roubaix"))
    step(page, "finder results")
    expect(page.get_by_role("heading", name="1 conseil", exact=True)).to_be_visible()
    expect(page.get_by_role("link", name="Conseil citoyen de la Bourgogne")).to_have_count(0)
    expect(page.get_by_role("link", name="Conseil citoyen des Pentes")).to_have_count(0)

    page.get_by_role("link", name="Conseil citoyen de l'Alma").click()
    expect(page.get_by_role("heading", name="Conseil citoyen de l'Alma", level=1)).to_be_visible()
    step(page, "council page")
    expect(page.locator("main")).to_contain_text("Les habitants de l'Alma, tous les mercredis.")
    news = page.locator("section", has=page.get_by_role("heading", name="Actualités"))
    expect(news.get_by_text("Douze parcelles pour les familles du quartier.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Brouillon : compte rendu")

    news.get_by_role("link", name="Le jardin partagé ouvre ses parcelles").click()
    page.wait_for_url(re.compile(rf"/actualites/{article.pk}/$"))
    step(page, "article")
    expect(
        page.get_by_role("heading", name="Le jardin partagé ouvre ses parcelles")
    ).to_be_visible()
    expect(page.locator(".prose strong", has_text="maison de quartier")).to_be_visible()
    expect(page.get_by_role("link", name="Conseil citoyen de l'Alma", exact=True)).to_be_visible()

    # Another way in: the directory, by department.
    menu(page).get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Les conseils"
    ).click()
    page.get_by_label("Département").select_option(label="69 – Rhône")
    page.get_by_role("search", name="Chercher parmi les conseils").get_by_role(
        "button", name="Rechercher"
    ).click()
    expect(page.get_by_role("link", name="Conseil citoyen des Pentes")).to_be_visible()
    step(page, "directory by department")
    expect(page.get_by_role("link", name="Conseil citoyen de l'Alma")).to_have_count(0)

    # What was shown is what the database holds: one council in Roubaix (59),
    # and its article published, the draft not.
    assert list(Council.objects.filter(town="Roubaix", department__code="59")) == [alma]
    assert list(alma.articles.filter(published_at__lte=timezone.now())) == [article]


def test_a_newcomer_signs_up_joins_a_council_and_works_in_its_private_space(
    page, other_page, live_server, step, tmp_path
):
    alma = council_create(name="Conseil citoyen de l'Alma", town="Roubaix")
    coordinator = coordinator_of(alma, established(display_name="Fatou Diallo"))
    charter = document_services.page_create(
        user=coordinator,
        council=alma,
        title="Notre charte",
        body="Article 1 : chacun parle à son tour.",
    )
    minutes = tmp_path / "compte-rendu-mars.pdf"
    minutes.write_bytes(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\nendobj\n")

    # Finds the council and signs up from its page.
    page.goto(f"{live_server.url}/")
    menu(page).get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Les conseils"
    ).click()
    page.get_by_label("Nom ou quartier").fill("alma")
    page.get_by_role("search", name="Chercher parmi les conseils").get_by_role("button").click()
    page.get_by_role("link", name="Conseil citoyen de l'Alma").click()
    expect(page.get_by_role("heading", name="Conseil citoyen de l'Alma", level=1)).to_be_visible()
    step(page, "council page, signed out")
    page.locator("#rejoindre").get_by_role("link", name="S’inscrire").click()
    page.get_by_label("Adresse e-mail").fill(NEWCOMER_EMAIL)
    page.get_by_label("Nom affiché").fill("Samira H.")
    page.get_by_label("Mot de passe *", exact=True).fill(NEWCOMER_PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(NEWCOMER_PASSWORD)
    step(page, "sign-up form")
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url(re.compile(r"/compte/confirm-email/"))
    step(page, "asked to verify the address")
    newcomer = User.objects.get(email=NEWCOMER_EMAIL)
    assert not newcomer.emailaddress_set.get().verified

    # Opens the link of the e-mail, confirms, and is back on the way to join.
    page.goto(link_in_last_email(NEWCOMER_EMAIL, "/compte/confirm-email/"))
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url(re.compile(rf"/conseils/{alma.slug}/rejoindre/$"))
    assert newcomer.emailaddress_set.get().verified
    page.get_by_label("Quelques mots pour la coordination (facultatif)").fill(
        "J'habite rue de l'Alma et je voudrais aider pour le jardin."
    )
    step(page, "request to join")
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.locator(".messages")).to_contain_text("Votre demande a été envoyée.")
    step(page, "request sent")
    join_request = JoinRequest.objects.get(council=alma, user=newcomer)
    assert join_request.status == JoinRequest.Status.PENDING
    assert not Membership.objects.filter(council=alma, user=newcomer).exists()

    # The coordinator, on their own phone, accepts.
    coordinator_page = other_page
    log_in(coordinator_page, live_server, coordinator)
    menu(coordinator_page).get_by_role("link", name="Mes conseils").click()
    coordinator_page.get_by_role("link", name=re.compile("^Gérer les membres")).click()
    expect(coordinator_page.locator("blockquote")).to_contain_text(
        "je voudrais aider pour le jardin"
    )
    step(coordinator_page, "coordinator sees the request")
    coordinator_page.get_by_role("button", name="Accepter Samira H.").click()
    expect(coordinator_page.locator(".messages")).to_contain_text(
        "Samira H. est maintenant membre."
    )
    step(coordinator_page, "coordinator accepted")
    membership = Membership.objects.get(council=alma, user=newcomer)
    assert membership.role == Membership.Role.MEMBER

    # The newcomer learns it from their notifications and enters the space.
    page.reload()
    expect(page.get_by_role("button", name="Menu 1 notification non lue")).to_be_visible()
    menu(page).get_by_role("link", name=re.compile(r"^Notifications 1")).click()
    step(page, "notifications")
    # (The link wraps on three lines: tap its first line, as a thumb would.)
    page.get_by_role("link", name=re.compile(r"rejoindre .* est acceptée")).click(
        position={"x": 8, "y": 8}
    )
    page.wait_for_url(re.compile(r"/espace/$"))
    step(page, "private space")

    # Writes in the private forum.
    page.get_by_role("link", name="Le forum du conseil").click()
    page.get_by_role("link", name="Nouveau sujet").click()
    page.get_by_label("Titre").fill("Bonjour à toutes et à tous")
    page.get_by_label("Votre message").fill("Je suis Samira, je peux **arroser le jardin** l'été.")
    step(page, "new topic form")
    page.get_by_role("button", name="Ouvrir le sujet").click()
    expect(page.get_by_role("heading", name="Bonjour à toutes et à tous")).to_be_visible()
    step(page, "topic opened")
    expect(page.locator(".post strong", has_text="arroser le jardin")).to_be_visible()
    topic = Topic.objects.get(title="Bonjour à toutes et à tous")
    assert topic.forum.council == alma and topic.author == newcomer
    assert topic.posts.get().status == Post.Status.PUBLISHED

    # Adds a file.
    menu(page).get_by_role("link", name="Mes conseils").click()
    page.get_by_role("heading", name="Conseil citoyen de l'Alma").get_by_role("link").click()
    page.wait_for_url(re.compile(r"/espace/$"))
    page.get_by_role("link", name="Les fichiers du conseil").click()
    page.get_by_label("Fichiers à ajouter").set_input_files(str(minutes))
    step(page, "file chosen")
    page.get_by_role("button", name="Ajouter", exact=True).click()
    expect(page.get_by_role("link", name="compte-rendu-mars.pdf", exact=True)).to_be_visible()
    step(page, "file added")
    document = Document.objects.get(council=alma, name="compte-rendu-mars.pdf")
    assert document.versions.get().uploaded_by == newcomer

    # Edits the page written together.
    page.get_by_role("link", name="Espace privé").click()
    page.get_by_role("link", name="Pages écrites ensemble").click()
    page.get_by_role("link", name="Notre charte").click()
    page.get_by_role("link", name="Modifier").click()
    body = page.get_by_label("Texte")
    body.press("Control+End")
    body.type("\nArticle 2 : les réunions finissent à 20 heures.")
    page.get_by_label("Qu’avez-vous changé ? (facultatif)").fill("Ajout de l'article 2")
    step(page, "page editor")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_url(re.compile(rf"/espace/pages/{charter.pk}/$"))
    expect(page.get_by_text("Article 2 : les réunions finissent à 20 heures.")).to_be_visible()
    step(page, "page saved")
    latest = Page.objects.get(pk=charter.pk).current
    assert latest.body.splitlines() == [
        "Article 1 : chacun parle à son tour.",
        "Article 2 : les réunions finissent à 20 heures.",
    ]
    assert (latest.number, latest.author, latest.summary) == (2, newcomer, "Ajout de l'article 2")


def test_the_animator_resolves_a_report_and_answers_a_help_request(page, live_server, step):
    forum = national_forum(name="Faire vivre son conseil")
    topic = topic_in(
        forum,
        established(display_name="Sylvie R."),
        title="Comment faire venir les jeunes ?",
        body="Nous avons essayé les affiches, sans succès.",
    )
    offender = established(display_name="Marc T.")
    offending = reply_in(topic, offender, body="Les jeunes du quartier sont des voyous.")
    reporter = established(display_name="Karim B.")
    team = animator()
    help_request = help_request_submit(
        subject="Notre conseil ne se réunit plus",
        message="Plus aucune réunion depuis septembre.",
        email="awa@example.org",
        name="Awa",
    )
    mail.outbox.clear()

    # A member reports the message.
    log_in(page, live_server, reporter)
    main_menu = menu(page).get_by_role("navigation", name="Menu principal")
    main_menu.get_by_role("link", name="Forums").click()
    page.get_by_role("link", name="Faire vivre son conseil").click()
    page.get_by_role("link", name="Comment faire venir les jeunes ?").click()
    page.locator(f"#message-{offending.pk}").get_by_role("link", name="Signaler").click()
    page.get_by_label("Qu’est-ce qui ne va pas dans ce message ?").fill(
        "Propos méprisants envers les jeunes."
    )
    step(page, "report form")
    page.get_by_role("button", name="Envoyer le signalement").click()
    expect(page.locator(".messages")).to_contain_text("la modération va examiner ce message")
    report = Report.objects.get()
    assert (report.post, report.reporter, report.status) == (
        offending,
        reporter,
        Report.Status.OPEN,
    )

    # The animator hides the message from the moderation queue, which closes its report.
    menu(page).get_by_role("button", name="Se déconnecter").click()
    log_in(page, live_server, team)
    main_menu = menu(page).get_by_role("navigation", name="Menu principal")
    main_menu.get_by_role("link", name="Forums").click()
    page.get_by_role("link", name="Modération").click()
    queue = page.locator("section", has=page.get_by_role("heading", name="Signalements à examiner"))
    expect(queue.get_by_text("Propos méprisants envers les jeunes.")).to_be_visible()
    step(page, "moderation queue")
    queue.get_by_role("link", name="Masquer le message").click()
    page.get_by_label("Raison").fill("Propos méprisants : contraire à la charte des forums.")
    step(page, "hide form")
    page.get_by_role("button", name="Masquer le message").click()
    expect(page.locator(".messages")).to_contain_text("Le message est masqué")
    step(page, "message hidden")
    main_menu = menu(page).get_by_role("navigation", name="Menu principal")
    main_menu.get_by_role("link", name="Forums").click()
    page.get_by_role("link", name="Modération").click()
    expect(page.get_by_text("Aucun signalement à examiner.")).to_be_visible()
    expect(page.get_by_role("button", name="Marquer comme traité")).to_have_count(0)
    step(page, "report resolved")
    report.refresh_from_db()
    offending.refresh_from_db()
    assert (report.status, report.handled_by) == (Report.Status.RESOLVED, team)
    assert offending.is_hidden
    assert offending.hidden_reason == "Propos méprisants : contraire à la charte des forums."

    # The animator answers the help request: queue, request, answer.
    menu(page).get_by_role("link", name="Demandes d’aide").first.click()
    page.get_by_role("link", name="Notre conseil ne se réunit plus").click()
    expect(page.get_by_text("Plus aucune réunion depuis septembre.")).to_be_visible()
    step(page, "help request")
    page.get_by_label("Votre message").fill("Nous appelons la mairie et revenons vers vous demain.")
    step(page, "answer written")
    page.get_by_role("button", name="Envoyer la réponse").click()
    expect(page.locator(".messages")).to_contain_text("Votre réponse a été envoyée au demandeur.")
    step(page, "answer sent")
    help_request.refresh_from_db()
    assert help_request.status == HelpRequest.Status.ANSWERED
    answer = help_request.messages.get(kind=HelpMessage.Kind.ANSWER)
    assert (answer.author, answer.body) == (
        team,
        "Nous appelons la mairie et revenons vers vous demain.",
    )
    # The e-mails: the hidden message's author is told why, the requester gets the answer.
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [offender.email, "awa@example.org"]
    )
    told = next(message for message in mail.outbox if message.to == [offender.email])
    assert "contraire à la charte des forums" in told.body
    answered = next(message for message in mail.outbox if message.to == ["awa@example.org"])
    assert "Nous appelons la mairie et revenons vers vous demain." in answered.body


def test_a_referent_creates_a_council_and_appoints_its_coordinator(
    page, other_page, live_server, step, settings
):
    # The site's e-mails link to its public address: here, the live server.
    settings.SITE_URL = live_server.url
    referent = referent_of("59", established(display_name="Nadia K."))
    future = established(
        display_name="Fatou Diallo",
        email="fatou.diallo@exemple.test",
        grammatical_gender=GrammaticalGender.FEMININE,
    )

    log_in(page, live_server, referent)
    menu(page).get_by_role("navigation", name="Menu principal").get_by_role(
        "link", name="Les conseils"
    ).click()
    page.get_by_role("link", name="Créer un conseil").click()
    step(page, "creation form")
    page.get_by_label("Nom").fill("Conseil citoyen du Pile")
    page.get_by_label("Ville").fill("Roubaix")
    page.get_by_label(re.compile("^Quartier")).fill("Le Pile")
    page.get_by_label("Présentation").fill("Le conseil des habitants du Pile.")
    page.get_by_role("button", name="Créer le conseil").click()
    page.wait_for_url(re.compile(r"/conseils/[\w-]+/gestion/$"))
    expect(page.locator(".messages")).to_contain_text("Le conseil a été créé.")
    step(page, "council created")
    council = Council.objects.get(name="Conseil citoyen du Pile")
    assert (council.department.code, council.town) == ("59", "Roubaix")
    assert not council.memberships.exists()

    page.get_by_label("Adresse e-mail de la personne à inviter").fill(future.email)
    expect(page.get_by_label("Rôle")).to_have_value(Membership.Role.COORDINATOR)
    step(page, "invitation form")
    page.get_by_role("button", name="Envoyer l’invitation").click()
    expect(page.locator(".messages")).to_contain_text(
        "L’invitation a été envoyée à fatou.diallo@exemple.test."
    )
    step(page, "invitation sent")
    invitation = Invitation.objects.get(council=council)
    assert (invitation.email, invitation.role) == (future.email, Membership.Role.COORDINATOR)

    # The future coordinator opens the e-mail's link on their phone and accepts.
    coordinator_page = other_page
    coordinator_page.goto(link_in_last_email(future.email, "/conseils/invitation/"))
    step(coordinator_page, "invitation, signed out")
    coordinator_page.get_by_role("link", name="J’ai déjà un compte").click()
    coordinator_page.get_by_label("Adresse e-mail").fill(future.email)
    coordinator_page.get_by_label("Mot de passe *", exact=True).fill(PASSWORD)
    coordinator_page.get_by_role("button", name="Connexion").click()
    coordinator_page.get_by_role("button", name="Accepter l’invitation").click()
    expect(coordinator_page.locator(".messages")).to_contain_text(
        "Bienvenue ! Vous êtes maintenant coordinatrice du conseil."
    )
    step(coordinator_page, "invitation accepted")
    membership = Membership.objects.get(council=council, user=future)
    assert membership.role == Membership.Role.COORDINATOR

    # The referent sees the council's first coordinator.
    page.reload()
    members = page.get_by_role("table", name="Les membres et leur rôle")
    expect(members.get_by_role("row", name=re.compile("Fatou Diallo"))).to_be_visible()
    step(page, "referent sees the coordinator")
    expect(members.get_by_label("Rôle de Fatou Diallo")).to_have_value(Membership.Role.COORDINATOR)


def test_a_newcomer_finds_their_council_from_the_first_steps_and_reads_the_morning_digest(
    page, live_server, step
):
    alma = council_create(name="Conseil citoyen de l'Alma", town="Roubaix")
    council_create(name="Conseil citoyen des Pentes", town="Lyon", department=department("69"))
    coordinator = coordinator_of(alma, established(display_name="Fatou Diallo"))
    garden = topic_in(
        Forum.objects.get(council=alma),
        coordinator,
        title="Le jardin partagé cet été",
        body="Qui peut arroser en juillet ?",
    )

    # Signs up from the home page, with no council in mind yet.
    page.goto(f"{live_server.url}/")
    menu(page).get_by_role("link", name="S’inscrire").click()
    page.get_by_label("Adresse e-mail").fill(NEWCOMER_EMAIL)
    page.get_by_label("Nom affiché").fill("Samira H.")
    page.get_by_label("Mot de passe *", exact=True).fill(NEWCOMER_PASSWORD)
    page.get_by_label("Mot de passe (confirmation)").fill(NEWCOMER_PASSWORD)
    page.get_by_role("button", name="Créer mon compte").click()
    page.wait_for_url(re.compile(r"/compte/confirm-email/"))
    newcomer = User.objects.get(email=NEWCOMER_EMAIL)

    # Confirms the address and lands on the first steps, not an empty profile.
    page.goto(link_in_last_email(NEWCOMER_EMAIL, "/compte/confirm-email/"))
    page.get_by_role("button", name="Confirmer").click()
    page.wait_for_url(re.compile(r"/premiers-pas/"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Trouvez votre conseil citoyen")
    step(page, "first steps")
    assert axe_violations(page) == []
    page.get_by_label("Votre code postal ou votre département").fill("59100")
    page.get_by_role("button", name="Voir les conseils").click()
    expect(page.get_by_role("link", name="Conseil citoyen de l'Alma", exact=True)).to_be_visible()
    expect(page.get_by_text("Conseil citoyen des Pentes")).to_have_count(0)
    step(page, "councils of the Nord")
    page.get_by_role("link", name="Demander à rejoindre – Conseil citoyen de l'Alma").click()
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.locator(".messages")).to_contain_text("Votre demande a été envoyée.")
    join_request = JoinRequest.objects.get(council=alma, user=newcomer)
    membership_services.join_request_accept(actor=coordinator, join_request=join_request)

    # Follows the garden's topic; replies wait for the morning's summary,
    # as the notification preferences say.
    page.goto(f"{live_server.url}{garden.get_absolute_url()}")
    page.get_by_role("button", name="Suivre ce sujet").click()
    expect(page.get_by_role("button", name="Ne plus suivre")).to_be_visible()
    menu(page).get_by_role("link", name=re.compile(r"^Notifications")).click()
    page.get_by_role("link", name="Choisir ce que vous recevez par e-mail").click()
    expect(page.locator("main")).to_contain_text("part chaque jour à 7 h 00")
    step(page, "notification e-mails")
    reply_in(garden, coordinator, body="Merci Samira ! Le lundi et le jeudi, ce serait parfait.")
    assert not [
        message
        for message in mail.outbox
        if NEWCOMER_EMAIL in message.to and "jardin" in message.subject.lower()
    ]

    # The morning comes: beat sends the daily digests (the make run worker's
    # own test proves beat starts this task at its hour).
    mail.outbox.clear()
    send_daily_digests()
    digest = next(message for message in mail.outbox if NEWCOMER_EMAIL in message.to)
    assert "Le jardin partagé cet été" in digest.body
    assert "Samira H." in digest.body
    # The digest links to the reply (at the site's address, SITE_URL).
    reply_link = re.search(r"https?://\S+(/forums/messages/\d+/)", digest.body)
    page.goto(f"{live_server.url}{reply_link.group(1)}")
    expect(page.get_by_text("Le lundi et le jeudi, ce serait parfait.")).to_be_visible()
    step(page, "reply read from the digest")


def test_a_coordinator_publishes_a_file_only_after_reading_what_becomes_public(
    page, other_page, live_server, step
):
    alma = council_create(name="Conseil citoyen de l'Alma", town="Roubaix")
    coordinator = coordinator_of(alma, established(display_name="Fatou Diallo"))
    contacts = document_services.document_upload(
        user=coordinator,
        council=alma,
        folder=None,
        uploaded=SimpleUploadedFile(
            "contacts.csv", b"nom;telephone\nAwa;0600000000\n", content_type="text/csv"
        ),
    )
    log_in(page, live_server, coordinator)
    page.goto(f"{live_server.url}{contacts.get_absolute_url()}")

    # The first click only asks, saying what becomes public and to whom.
    page.get_by_role("button", name="Publier sur la page publique").click()
    expect(page.get_by_role("heading", name="Publier « contacts.csv » ?")).to_be_visible()
    expect(page.locator("main")).to_contain_text("sans compte")
    expect(page.locator(".message-warning")).to_contain_text("données personnelles")
    step(page, "publication confirmation")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Annuler").click()
    contacts.refresh_from_db()
    assert contacts.published_at is None

    # Asked again, and confirmed.
    page.get_by_role("button", name="Publier sur la page publique").click()
    page.get_by_role("button", name="Publier pour tout le monde").click()
    expect(page.locator(".messages")).to_contain_text("Publié")
    contacts.refresh_from_db()
    assert contacts.published_at is not None

    # Anyone now finds it among the publications, from the home page.
    other_page.goto(f"{live_server.url}/")
    other_page.get_by_role("link", name=re.compile("publications", re.IGNORECASE)).first.click()
    expect(other_page.get_by_role("link", name=re.compile("contacts.csv"))).to_be_visible()
    step(other_page, "publications, signed out")

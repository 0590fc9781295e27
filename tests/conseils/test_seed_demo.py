"""seed_demo creates the demo accounts of DESIGN.md and can run twice; it
makes the network look alive: every council has its own news, meetings and
discussions; pages written together, a shared folder, reports waiting for
the moderators, notifications waiting for the demo accounts, an agenda;
private content stays private.

The demo is seeded once for the module (seeding takes seconds): the tests
about seeding again seed again over it."""

from __future__ import annotations

import pytest
from allauth.account.models import EmailAddress
from django.core import mail
from django.core.management import call_command
from django.test import TestCase
from django.utils import timezone

from accounts.models import User
from accounts.roles import is_animator
from conseils import demo, demo_life
from councils.models import Council
from documents import permissions as document_permissions
from documents.models import Document, Folder, Page, PageRevision, Resource
from events import permissions as event_permissions
from events.models import Attendance, Event
from forums.models import ModerationAction, Post, Report, Topic
from news.models import Article
from notifications.models import Notification

pytestmark = pytest.mark.django_db

MODELS = [Article, Event, Topic, Post, Page, PageRevision, Report, ModerationAction]


def _seed_and_count_emails() -> int:
    """Seed with the on-commit callbacks run, as outside a test: the e-mails
    the services would send go out then."""
    sent = len(mail.outbox)
    with TestCase.captureOnCommitCallbacks(execute=True):
        call_command("seed_demo", verbosity=0)
    return len(mail.outbox) - sent


@pytest.fixture(scope="module")
def seeded(module_data):
    """The demo data, seeded once on an empty site; the number of e-mails
    that sent."""
    return module_data.build(_seed_and_count_emails)


def test_seed_demo_creates_the_demo_accounts(seeded, client):
    assert User.objects.count() == len(demo.DEMO_ACCOUNTS) + demo.BASE_POPULATION
    assert EmailAddress.objects.count() == User.objects.count()

    admin = User.objects.get(email="admin@demo.conseils.test")
    assert admin.is_superuser
    assert is_animator(User.objects.get(email="animation@demo.conseils.test"))
    habitant = User.objects.get(email="habitant@demo.conseils.test")
    assert not habitant.is_staff
    assert EmailAddress.objects.get(user=habitant).verified

    # A demo account logs in straight away with the documented password.
    response = client.post(
        "/compte/login/", {"login": "membre-a@demo.conseils.test", "password": demo.PASSWORD}
    )
    assert response.status_code == 302
    assert client.get("/profil/").status_code == 200


def test_seed_demo_publishes_no_staff_profile(seeded, client):
    """The staff's names are not listed by number; some residents chose to be."""
    for local_part, display_name, _town, role in demo.DEMO_ACCOUNTS:
        user = User.objects.get(email=f"{local_part}@demo.conseils.test")
        response = client.get(user.get_absolute_url())
        if role in ("superuser", "animator", "referent"):
            assert response.status_code == 404, local_part
        else:
            assert display_name in response.content.decode(), local_part
    residents = User.objects.filter(email__endswith="@habitants.demo.conseils.test")
    assert 0 < residents.filter(publish_profile=True).count() < residents.count()


def test_seed_demo_scale_adds_more_and_only_once(seeded):
    """``--scale 1`` doubles the residents and the help requests; run again
    at the same scale, it finds them there. (One test: each seeding at scale
    takes seconds.)"""
    from support.models import HelpRequest

    once = HelpRequest.objects.count()
    call_command("seed_demo", scale=1, verbosity=0)
    assert User.objects.count() == len(demo.DEMO_ACCOUNTS) + 2 * demo.BASE_POPULATION
    assert HelpRequest.objects.count() == 2 * once
    call_command("seed_demo", scale=1, verbosity=0)
    assert User.objects.count() == len(demo.DEMO_ACCOUNTS) + 2 * demo.BASE_POPULATION
    assert HelpRequest.objects.count() == 2 * once


def test_seed_demo_gives_the_demo_accounts_their_councils(seeded):
    from councils import permissions
    from councils.models import Council, Membership

    memberships = Membership.objects.count()
    call_command("seed_demo", verbosity=0)
    assert Membership.objects.count() == memberships

    def account(name):
        return User.objects.get(email=f"{name}@demo.conseils.test")

    first = Council.objects.get(slug="alma-roubaix")
    second = Council.objects.get(slug="bourgogne-tourcoing")
    assert Council.objects.count() == 20
    assert permissions.is_coordinator(account("coordination-a"), first)
    assert permissions.can_view_space(account("membre-a"), first)
    assert not permissions.can_view_space(account("membre-a"), second)
    assert permissions.can_view_space(account("membre-b"), second)
    referent = account("referent")
    assert permissions.can_manage_members(referent, first)
    assert permissions.can_manage_members(referent, second)
    assert not permissions.can_view_space(referent, first)
    assert not permissions.councils_with_space_visible_to(account("habitant")).exists()
    assert not permissions.councils_with_space_visible_to(account("animation")).exists()


def test_seed_demo_writes_forums_and_sends_no_email(seeded):
    from forums.models import Forum, Topic

    assert seeded == 0
    assert Forum.objects.filter(council__isnull=True).count() == 3
    assert Topic.objects.filter(forum__council__slug="alma-roubaix").exists()
    assert Forum.objects.filter(council__isnull=False).count() == 20


def _account(name):
    return User.objects.get(email=f"{name}@demo.conseils.test")


def test_seed_demo_fills_the_help_desk_in_every_state(seeded):
    from support import permissions as support_permissions
    from support.models import HelpMessage, HelpRequest

    counts = (HelpRequest.objects.count(), HelpMessage.objects.count())
    call_command("seed_demo", verbosity=0)
    assert (HelpRequest.objects.count(), HelpMessage.objects.count()) == counts

    Status = HelpRequest.Status
    assert set(HelpRequest.objects.values_list("status", flat=True)) == set(Status.values)
    # The clocks read right at the time of the run.
    overdue = HelpRequest.objects.overdue().get()
    assert overdue.first_answered_at is None
    assert not overdue.messages.filter(kind=HelpMessage.Kind.ANSWER).exists()
    assert HelpRequest.objects.due_soon().exists()
    assert HelpRequest.objects.waiting().filter(wants_call=True).exclude(phone="").exists()
    assert HelpRequest.objects.filter(
        requester__isnull=True, email__endswith="@example.org"
    ).exists()
    calls = HelpMessage.objects.filter(kind=HelpMessage.Kind.CALL)
    assert calls.filter(reached=True, call_minutes__gt=0).exists()
    assert calls.filter(reached=False).exists()
    assert HelpMessage.objects.filter(kind=HelpMessage.Kind.NOTE).exists()
    assert HelpMessage.objects.filter(kind=HelpMessage.Kind.REOPENED).exists()
    # A requester who wrote again after the answer: waiting, with a new clock.
    assert (
        HelpRequest.objects.waiting()
        .filter(first_answered_at__isnull=False, messages__kind=HelpMessage.Kind.REQUESTER)
        .exists()
    )
    # Closed by the team and by the requester ("my problem is solved").
    closings = HelpMessage.objects.filter(kind=HelpMessage.Kind.CLOSED)
    assert closings.filter(author__isnull=True).exists()
    assert closings.filter(author=_account("animation")).exists()

    habitant = support_permissions.requests_of(_account("habitant"))
    assert habitant.count() >= 2
    assert {Status.OPEN, Status.ANSWERED} <= set(habitant.values_list("status", flat=True))
    assert (
        support_permissions.requests_of(_account("membre-a"))
        .filter(council__slug="alma-roubaix")
        .exists()
    )
    referent = _account("referent")
    for_referent = support_permissions.requests_for_team(referent)
    assert for_referent.waiting().exists()
    assert for_referent.filter(assigned_to=referent, status=Status.ANSWERED).exists()
    assert HelpMessage.objects.filter(kind=HelpMessage.Kind.ANSWER, author=referent).exists()


def test_seed_demo_help_desk_history_reads_true(seeded):
    """Stamps moved back in time stay consistent: what the statistics and the
    threads read is a believable past."""
    from django.utils import timezone

    from support.models import ANSWER_WITHIN, HelpMessage, HelpRequest

    now = timezone.now()
    requests = list(HelpRequest.objects.prefetch_related("messages"))
    weeks = {(now - help_request.created_at).days // 7 for help_request in requests}
    assert weeks == set(range(8))
    answer_times = []
    for help_request in requests:
        assert help_request.created_at < now
        for message in help_request.messages.all():
            assert help_request.created_at <= message.created_at <= now
            if message.kind == HelpMessage.Kind.CALL:
                assert help_request.created_at <= message.called_at <= message.created_at
        if help_request.status == HelpRequest.Status.OPEN:
            assert help_request.due_at is not None
            assert help_request.closed_at is None
        else:
            assert help_request.due_at is None
        if help_request.status == HelpRequest.Status.ANSWERED:
            assert help_request.first_answered_at is not None
        if help_request.status == HelpRequest.Status.CLOSED:
            assert help_request.closed_at <= now
        if help_request.first_answered_at is not None:
            answer_times.append(help_request.first_answered_at - help_request.created_at)
    late = [time for time in answer_times if time > ANSWER_WITHIN]
    assert len(answer_times) >= 25
    assert 1 <= len(late) <= len(answer_times) // 5


def test_seed_demo_help_desk_pages_show_the_requests(seeded, client):
    from django.urls import reverse

    client.force_login(_account("habitant"))
    response = client.get(reverse("support:mine"))
    assert response.status_code == 200
    assert response.content.decode().count("/aide/demandes/") >= 2

    client.force_login(_account("referent"))
    response = client.get(reverse("support:queue"))
    assert response.status_code == 200
    assert "Le budget du quartier" in response.content.decode()


def test_every_council_has_its_own_news_meetings_and_discussions(seeded):
    now = timezone.now()
    councils = list(Council.objects.all())
    assert len(councils) == 20
    for council in councils:
        assert Article.objects.published().filter(council=council).exists(), council.slug
        assert Event.objects.filter(
            council=council, starts_at__gt=now, cancelled_at__isnull=True
        ).exists(), council.slug
        topics = Topic.objects.filter(forum__council=council)
        assert topics.exists(), council.slug
        # Written in the past, over several weeks.
        assert topics.filter(created_at__lt=now - timezone.timedelta(days=1)).exists()
    council_topics = Topic.objects.filter(forum__council__isnull=False)
    titles = list(council_topics.values_list("title", flat=True))
    assert len(titles) == len(set(titles))
    article_titles = list(
        Article.objects.filter(council__isnull=False).values_list("title", flat=True)
    )
    assert len(article_titles) == len(set(article_titles))


def test_the_news_page_of_a_council_shows_its_articles_not_its_private_life(seeded, client):
    council = Council.objects.get(slug="mosson-montpellier")
    article = Article.objects.filter(council=council).first()
    private = Event.objects.get(council=council, visibility=Event.Visibility.PRIVATE)
    topic = Topic.objects.filter(forum__council=council).first()
    page = client.get(council.get_absolute_url()).content.decode()
    assert "Mosson" in article.title
    assert article.title.replace("'", "&#x27;") in page
    assert private.title not in page
    assert topic.title.replace("'", "&#x27;") not in page
    # The council's private space stays closed to the other councils' members.
    assert not Page.objects.filter(council=council, published_at__isnull=False).exists()
    response = client.get(council.get_space_url())
    assert response.status_code in (302, 403, 404)


def test_pages_are_written_together(seeded):
    collaborative = [
        page
        for page in Page.objects.all()
        if page.revisions.count() >= 3
        and len(set(page.revisions.values_list("author_id", flat=True))) >= 2
    ]
    assert len({page.council_id for page in collaborative}) >= 5
    dates = [revision.created_at for revision in collaborative[0].revisions.order_by("number")]
    assert dates == sorted(dates) and dates[0] < dates[-1]


def test_a_folder_is_shared_with_a_guest_council(seeded):
    folder = Folder.objects.get(name=demo_life.SHARED_FOLDER)
    assert folder.council.slug == "alma-roubaix"
    assert Document.objects.filter(folder=folder).count() == 2
    guest = _account("membre-b")
    assert folder.pk in document_permissions.shared_folder_ids(guest)
    assert document_permissions.reads_as_guest(guest, folder.council, folder)
    # Shared with a council, not published.
    assert not Document.objects.filter(folder=folder, published_at__isnull=False).exists()
    assert folder.pk not in document_permissions.shared_folder_ids(_account("habitant"))


def test_reports_wait_and_the_moderation_log_has_entries(seeded, client):
    open_reports = Report.objects.filter(status=Report.Status.OPEN)
    assert open_reports.filter(post__topic__forum__council__isnull=True).exists()
    assert open_reports.filter(post__topic__forum__council__slug="alma-roubaix").exists()
    kinds = set(ModerationAction.objects.values_list("kind", flat=True))
    assert {"pin", "lock", "hide", "report_dismissed"} <= kinds

    client.force_login(_account("animation"))
    page = client.get("/forums/moderation/").content.decode()
    assert "Propos insultants." in page
    assert "Publicité : hors sujet." in page
    client.force_login(_account("coordination-a"))
    page = client.get("/forums/moderation/").content.decode()
    assert "accuse une famille du quartier" in page


def test_resources_show_download_counts(seeded):
    resources = Resource.objects.all()
    assert resources.count() >= 6
    assert not resources.filter(download_count=0).exists()


def test_each_demo_account_has_unread_notifications(seeded, client):
    for local_part, _name, _town, _role in demo.DEMO_ACCOUNTS:
        user = _account(local_part)
        unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
        assert unread.exists(), local_part
        # Dated when what they tell happened, not all at the time of the seed.
        assert unread.filter(created_at__lt=timezone.now() - timezone.timedelta(hours=1)).exists()
    client.force_login(_account("membre-b"))
    notification = Notification.objects.filter(
        recipient=_account("membre-b"), read_at__isnull=True
    ).first()
    assert notification.title in client.get("/notifications/").content.decode().replace(
        "&#x27;", "'"
    ).replace("&quot;", '"')


def test_seeding_again_adds_nothing(seeded, client):
    """Run over the demo, seed_demo finds every row there and writes none;
    the demo accounts still log in with the documented password. (One
    seeding for every kind of row: each takes seconds.)"""
    kinds = [User, EmailAddress, *MODELS, Attendance, Notification, Folder, Document]

    def counts():
        return {model.__name__: model.objects.count() for model in kinds}

    before = counts()
    call_command("seed_demo", verbosity=0)
    assert counts() == before

    response = client.post(
        "/compte/login/", {"login": "membre-a@demo.conseils.test", "password": demo.PASSWORD}
    )
    assert response.status_code == 302


def test_the_demo_agenda_is_believable(seeded):
    """(Seeding again adds no meeting nor attendance: test_seeding_again_adds_nothing.)"""
    first = Council.objects.get(name="Conseil citoyen de l'Alma")
    second = Council.objects.get(name="Conseil citoyen de la Bourgogne")
    # Every council has its agenda (demo_life), the first two a fuller one.
    assert set(Event.objects.values_list("council", flat=True)) == set(
        Council.objects.values_list("pk", flat=True)
    )
    events = Event.objects.filter(council=first)
    now = timezone.now()
    assert events.filter(visibility="public").exists()
    assert events.filter(visibility="private").exists()
    assert events.filter(ends_at__lt=now).exists()
    assert events.filter(cancelled_at__isnull=False).exists()
    assert Event.objects.filter(council=second, visibility="private").exists()

    member_a = User.objects.get(email="membre-a@demo.conseils.test")
    member_b = User.objects.get(email="membre-b@demo.conseils.test")
    assert Attendance.objects.filter(user=member_a).exists()
    assert Attendance.objects.filter(user=member_b).exists()
    # membre-b reads the first council's public meetings, not its private ones.
    private = events.filter(visibility="private").first()
    assert not event_permissions.can_read_event(member_b, private)
    assert event_permissions.can_read_event(member_a, private)

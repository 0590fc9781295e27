"""seed_demo makes the network look alive: every council has its own news,
meetings and discussions; pages written together, a shared folder, reports
waiting for the moderators, notifications waiting for the demo accounts;
private content stays private."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.utils import timezone

from accounts.models import User
from conseils import demo, demo_life
from councils.models import Council
from documents import permissions as document_permissions
from documents.models import Document, Folder, Page, PageRevision, Resource
from events.models import Event
from forums.models import ModerationAction, Post, Report, Topic
from news.models import Article
from notifications.models import Notification

pytestmark = pytest.mark.django_db

MODELS = [Article, Event, Topic, Post, Page, PageRevision, Report, ModerationAction]


@pytest.fixture(scope="module")
def seeded(module_data):
    module_data.build(call_command, "seed_demo", verbosity=0)


def _account(name):
    return User.objects.get(email=f"{name}@demo.conseils.test")


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


def test_seeding_again_adds_nothing(seeded):
    counts = [model.objects.count() for model in [*MODELS, Notification, Folder, Document]]
    call_command("seed_demo", verbosity=0)
    assert [model.objects.count() for model in [*MODELS, Notification, Folder, Document]] == (
        counts
    )

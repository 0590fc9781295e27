"""Forum pages. Each view finds its object through an ``access_*`` helper
(404 for whoever may not read it, login first where logging in could help),
calls one service and renders."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.names import public_name
from accounts.roles import load_reader_facts
from common.access import LoginRequired, deny, login_or
from common.page_cache import anonymous_page

from . import page_cache, permissions, rendering, selectors, services
from .forms import (
    EditForm,
    MoveForm,
    NationalForumForm,
    PostForm,
    ReasonForm,
    ReportForm,
    SearchForm,
    TopicForm,
)
from .models import Forum, Post, Report, Topic


def access_forum(request, slug: str) -> Forum:
    forum = get_object_or_404(Forum.objects.select_related("council"), slug=slug)
    if not permissions.can_read_forum(request.user, forum):
        deny(request)
    return forum


def access_topic(request, pk: int, *, reading: bool = False) -> Topic:
    topics = selectors.with_following(Topic.objects.select_related("forum__council"), request.user)
    if reading:
        topics = selectors.with_read_marker(topics, request.user)
        topics = selectors.with_pending_counts(topics, request.user)
    topic = get_object_or_404(topics, pk=pk)
    if not permissions.can_read_topic(request.user, topic):
        deny(request)
    return topic


def access_post(request, pk: int) -> Post:
    post = get_object_or_404(Post.objects.select_related("topic__forum__council", "author"), pk=pk)
    if not permissions.can_see_post(request.user, post):
        deny(request)
    return post


def _posted(request):
    return request.POST if request.method == "POST" else None


def _topic_page_url(post: Post, user) -> str:
    position = selectors.post_position(post, user=user)
    page = (position - 1) // selectors.POSTS_PER_PAGE + 1
    url = post.topic.get_absolute_url()
    return f"{url}?page={page}#message-{post.pk}" if page > 1 else f"{url}#message-{post.pk}"


# Reading.


@anonymous_page(page_cache.index_page)
def index(request):
    context = {
        **selectors.index(user=request.user),
        "search_form": SearchForm(),
        "can_create_forum": permissions.can_create_national_forum(request.user),
        "moderates": permissions.moderated_forums(request.user).exists(),
    }
    return render(request, "forums/index.html", context)


@anonymous_page(page_cache.forum_page)
@login_or
def forum(request, slug: str):
    load_reader_facts(request.user)  # a page that reads only, as the topic's
    forum = access_forum(request, slug)
    page = Paginator(selectors.topics_of(forum, user=request.user), selectors.TOPICS_PER_PAGE)
    context = {
        "forum": forum,
        "page": page.get_page(request.GET.get("page")),
        "can_post": permissions.can_post_in(request.user, forum),
        "following": selectors.is_following(user=request.user, forum=forum),
    }
    return render(request, "forums/forum.html", context)


@login_or
def council_forum(request, slug: str):
    """The forum of the council at ``slug`` (the link of its private space)."""
    forum = get_object_or_404(Forum.objects.select_related("council"), council__slug=slug)
    if not permissions.can_read_forum(request.user, forum):
        deny(request)
    return redirect(forum)


@anonymous_page(page_cache.topic_page)
@login_or
def topic(request, pk: int):
    user = request.user
    # A page that reads only: the reader's roles and verified address, which
    # the permissions and the header ask, in one query.
    load_reader_facts(user)
    topic = access_topic(request, pk, reading=True)
    # What is the same for every post (moderates, may post, may reply) is
    # decided once for the page.
    reader = permissions.TopicReader(user, topic)
    paginator = Paginator(selectors.posts_of(topic, user=user), selectors.POSTS_PER_PAGE)
    paginator.count = selectors.count_posts_of(topic, user=user, moderates=reader.moderates)
    page = paginator.get_page(request.GET.get("page"))
    posts = selectors.posts_on(page)
    if not posts and page.number > 1:
        # Past the end by the stored count: count for real and show the last page.
        paginator = Paginator(selectors.posts_of(topic, user=user), selectors.POSTS_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        posts = selectors.posts_on(page)
    if (
        page.has_next()
        and page.next_page_number() == paginator.num_pages
        and not selectors.posts_after(topic, posts, user=user)
    ):
        # The stored count ran ahead of the posts by less than a page: count
        # them for real, so that the real last page is the last (and its
        # reading is marked). Checked on the last page but one only.
        paginator = Paginator(selectors.posts_of(topic, user=user), selectors.POSTS_PER_PAGE)
        page = paginator.get_page(request.GET.get("page"))
        posts = selectors.posts_on(page)
    if posts and not page.has_next():
        # Read to the end: the marker moves to the newest message.
        services.topic_mark_read(user=user, topic=topic, until=posts[-1].created_at)
    reply_form = None
    if reader.may_reply:
        quote = _quote(request, topic)
        reply_form = PostForm(initial={"body": quote} if quote else None, forum=topic.forum)
    # The first message shows on page 1 only; it cannot be deleted once answered.
    first_post_id = posts[0].pk if posts and page.number == 1 else None
    context = {
        "topic": topic,
        "forum": topic.forum,
        "page": page,
        "posts_html": rendering.render_posts(
            rendering.post_items(posts, reader=reader, first_post_id=first_post_id),
            request=request,
            page=page,
            moderator=reader.moderates,
        ),
        "reply_form": reply_form,
        "reply_form_html": rendering.reply_form_html(reply_form, topic.forum) if reply_form else "",
        "moderator": reader.moderates,
        # National forums only: a council has one forum.
        "can_move": reader.moderates and topic.forum.council_id is None,
        "following": getattr(topic, "is_followed", False),
    }
    return render(request, "forums/topic.html", context)


def _quote(request, topic: Topic) -> str:
    """``?citer=<post>``: the reply starts with that post quoted."""
    quoted_id = request.GET.get("citer", "")
    if not (quoted_id.isascii() and quoted_id.isdigit()):
        return ""
    quoted = topic.posts.visible().filter(pk=quoted_id).first()
    if quoted is None:
        return ""
    author = public_name(quoted.author)
    lines = "\n".join(f"> {line}" for line in quoted.body.splitlines())
    return f"> **{author}** :\n{lines}\n\n"


@login_or
def first_unread(request, pk: int):
    topic = access_topic(request, pk)
    post = (
        selectors.first_unread(topic, user=request.user) if request.user.is_authenticated else None
    )
    if post is None:
        last = selectors.posts_of(topic, user=request.user).last()
        return redirect(_topic_page_url(last, request.user) if last else topic.get_absolute_url())
    return redirect(_topic_page_url(post, request.user))


@login_or
def post_link(request, pk: int):
    """A stable link to a message, whatever page it has moved to."""
    post = access_post(request, pk)
    return redirect(_topic_page_url(post, request.user))


def search(request):
    form = SearchForm(request.GET or None)
    results = None
    if form.is_valid() and form.cleaned_data["q"].strip():
        results = Paginator(
            selectors.search(user=request.user, query=form.cleaned_data["q"]), 20
        ).get_page(request.GET.get("page"))
    query_string = urlencode({"q": request.GET.get("q", "")})
    context = {"form": form, "page": results, "query_string": query_string}
    return render(request, "forums/search.html", context)


# Writing.


@login_or
def topic_create(request, slug: str):
    forum = access_forum(request, slug)
    if not permissions.can_post_in(request.user, forum):
        deny(request)
    form = TopicForm(_posted(request), forum=forum)
    if request.method == "POST" and form.is_valid():
        try:
            topic = services.topic_create(
                author=request.user,
                forum=forum,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _tell_if_waiting(request, topic.posts.first())
            return redirect(topic)
    return render(request, "forums/topic_form.html", {"forum": forum, "form": form})


def _tell_if_waiting(request, post: Post | None) -> None:
    if post is not None and not post.is_published:
        messages.info(
            request,
            _(
                "Welcome! Your first messages in the national forums are read by a "
                "moderator before everyone sees them; it is usually quick."
            ),
        )


@login_or
def reply(request, pk: int):
    topic = access_topic(request, pk)
    if request.method != "POST":
        return redirect(topic)
    form = PostForm(request.POST, forum=topic.forum)
    if form.is_valid():
        try:
            post = services.post_reply(
                author=request.user,
                topic=topic,
                body=form.cleaned_data["body"],
                submission_key=form.cleaned_data["submission_key"],
            )
        except PermissionDenied:
            deny(request)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            _tell_if_waiting(request, post)
            return redirect(_topic_page_url(post, request.user))
    context = {"topic": topic, "forum": topic.forum, "form": form}
    return render(request, "forums/reply_form.html", context, status=400)


@login_or
def post_edit(request, pk: int):
    post = access_post(request, pk)
    if not permissions.can_edit_post(request.user, post):
        deny(request)
    by_moderator = post.author_id != request.user.pk
    form = EditForm(
        _posted(request),
        initial={"body": post.body},
        by_moderator=by_moderator,
        forum=post.topic.forum,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.post_edit(
                editor=request.user,
                post=post,
                body=form.cleaned_data["body"],
                reason=form.cleaned_data.get("reason", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("The message has been saved."))
            return redirect(_topic_page_url(post, request.user))
    return render(request, "forums/post_form.html", {"post": post, "form": form})


@login_or
def post_delete(request, pk: int):
    post = access_post(request, pk)
    if not permissions.can_delete_post(request.user, post):
        deny(request)
    if request.method == "POST":
        try:
            topic = services.post_delete(user=request.user, post=post)
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
            return redirect(_topic_page_url(post, request.user))
        messages.success(request, _("Your message has been deleted."))
        return redirect(topic or post.topic.forum)
    lonely_first = not post.topic.posts.exclude(pk=post.pk).exists()
    context = {
        "title": _("Delete your message?"),
        "explanation": [
            _("It is the only message of the topic: the whole topic disappears.")
            if lonely_first
            else _("It disappears from the discussion."),
            _("This cannot be undone."),
        ],
        "confirm_label": _("Delete the message"),
        "cancel_url": _topic_page_url(post, request.user),
        "danger": True,
    }
    return render(request, "confirm.html", context)


@login_or
def post_history(request, pk: int):
    post = access_post(request, pk)
    if not permissions.can_see_history(request.user, post):
        deny(request)
    revisions = post.revisions.select_related("edited_by")
    return render(request, "forums/post_history.html", {"post": post, "revisions": revisions})


@login_or
def post_report(request, pk: int):
    post = access_post(request, pk)
    if not permissions.can_report(request.user, post):
        deny(request)
    form = ReportForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.report_create(
                reporter=request.user, post=post, reason=form.cleaned_data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Thank you: a moderator will look at this message."))
            return redirect(_topic_page_url(post, request.user))
    return render(request, "forums/report_form.html", {"post": post, "form": form})


@login_or
@require_POST
def post_react(request, pk: int):
    post = access_post(request, pk)
    try:
        services.reaction_toggle(user=request.user, post=post, kind=request.POST.get("kind", ""))
    except PermissionDenied:
        deny(request)
    return redirect(_topic_page_url(post, request.user))


@login_or
@require_POST
def follow(request, kind: str, pk: int):
    if not request.user.is_authenticated:
        raise LoginRequired
    if kind == "sujet":
        target = {"topic": access_topic(request, pk)}
    elif kind == "forum":
        target = {"forum": get_object_or_404(Forum, pk=pk)}
        if not permissions.can_read_forum(request.user, target["forum"]):
            deny(request)
    else:
        raise Http404
    following = services.subscription_toggle(user=request.user, **target)
    messages.success(
        request,
        _("You follow it now: you will be told of what is new.")
        if following
        else _("You no longer follow it."),
    )
    return redirect(next(iter(target.values())))


# Moderation.


@login_or
@require_POST
def topic_moderate(request, pk: int, action: str):
    topic = access_topic(request, pk)
    if not permissions.can_moderate(request.user, topic.forum):
        deny(request)
    if action in ("epingler", "desepingler"):
        services.topic_pin(moderator=request.user, topic=topic, pinned=action == "epingler")
        done = _("The topic is pinned.") if topic.is_pinned else _("The topic is no longer pinned.")
    elif action in ("verrouiller", "deverrouiller"):
        services.topic_lock(
            moderator=request.user,
            topic=topic,
            locked=action == "verrouiller",
            reason=request.POST.get("reason", ""),
        )
        done = _("The topic is locked.") if topic.is_locked else _("The topic is open again.")
    else:
        raise Http404
    messages.success(request, done)
    return redirect(topic)


@login_or
def topic_move(request, pk: int):
    topic = access_topic(request, pk)
    if not permissions.can_moderate(request.user, topic.forum):
        deny(request)
    forums = (
        permissions.moderated_forums(request.user)
        .filter(council_id=topic.forum.council_id)
        .exclude(pk=topic.forum_id)
    )
    form = MoveForm(_posted(request), forums=forums)
    if request.method == "POST" and form.is_valid():
        services.topic_move(
            moderator=request.user,
            topic=topic,
            forum=form.cleaned_data["forum"],
            reason=form.cleaned_data["reason"],
        )
        messages.success(request, _("The topic has been moved."))
        return redirect(topic)
    return render(request, "forums/move_form.html", {"topic": topic, "form": form})


@login_or
def post_hide(request, pk: int):
    post = access_post(request, pk)
    if not permissions.can_moderate(request.user, post.topic.forum):
        deny(request)
    form = ReasonForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        services.post_hide(moderator=request.user, post=post, reason=form.cleaned_data["reason"])
        messages.success(request, _("The message is hidden; its author has been told why."))
        return redirect(_topic_page_url(post, request.user))
    return render(request, "forums/hide_form.html", {"post": post, "form": form})


@login_or
@require_POST
def post_unhide(request, pk: int):
    post = access_post(request, pk)
    if not permissions.can_moderate(request.user, post.topic.forum):
        deny(request)
    services.post_unhide(moderator=request.user, post=post, reason=request.POST.get("reason", ""))
    messages.success(request, _("The message is visible again."))
    return redirect(_topic_page_url(post, request.user))


@login_or
@require_POST
def post_approve(request, pk: int):
    post = access_post(request, pk)
    if not permissions.can_moderate(request.user, post.topic.forum):
        deny(request)
    services.post_approve(moderator=request.user, post=post)
    messages.success(request, _("The message is published."))
    next_url = request.POST.get("next", "")
    if not next_url.startswith("/") or not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        next_url = reverse("forums:moderation")
    # An address, never a view name (redirect() would try to reverse "abc").
    return HttpResponseRedirect(next_url)


@login_required
def moderation(request):
    if not permissions.moderated_forums(request.user).exists():
        deny(request)
    context = {
        "reports": selectors.open_reports(user=request.user)[:50],
        "pending": selectors.pending_posts(user=request.user)[:50],
        "log": selectors.moderation_log(user=request.user)[:50],
    }
    return render(request, "forums/moderation.html", context)


@login_required
@require_POST
def report_handle(request, pk: int, decision: str):
    report = get_object_or_404(Report.objects.select_related("post__topic__forum"), pk=pk)
    if decision not in ("traite", "rejete") or not permissions.can_moderate(
        request.user, report.post.topic.forum
    ):
        raise Http404
    try:
        services.report_handle(moderator=request.user, report=report, resolved=decision == "traite")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("The report has been handled.")
            if decision == "traite"
            else _("The report has been dismissed."),
        )
    return redirect("forums:moderation")


@login_required
def forum_create(request):
    if not permissions.can_create_national_forum(request.user):
        deny(request)
    form = NationalForumForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        forum = services.national_forum_create(
            actor=request.user,
            name=form.cleaned_data["name"],
            description=form.cleaned_data["description"],
            category=form.cleaned_data["category"],
            audience=form.cleaned_data["audience"],
        )
        messages.success(request, _("The forum has been created."))
        return redirect(forum)
    return render(request, "forums/forum_form.html", {"form": form})

from django.urls import path

from . import editor, views

app_name = "forums"

urlpatterns = [
    path("forums/", views.index, name="index"),
    path("forums/recherche/", views.search, name="search"),
    path("forums/editeur/apercu/", editor.preview, name="editor_preview"),
    path("forums/images/<uuid:pk>/", editor.image, name="image"),
    path("forums/moderation/", views.moderation, name="moderation"),
    path("forums/nouveau-forum/", views.forum_create, name="forum_create"),
    path(
        "forums/signalements/<int:pk>/<str:decision>/",
        views.report_handle,
        name="report_handle",
    ),
    path("forums/conseils/<slug:slug>/", views.council_forum, name="council_forum"),
    path("forums/sujets/<int:pk>/", views.topic, name="topic"),
    path("forums/sujets/<int:pk>/non-lu/", views.first_unread, name="first_unread"),
    path("forums/sujets/<int:pk>/repondre/", views.reply, name="reply"),
    path("forums/sujets/<int:pk>/deplacer/", views.topic_move, name="topic_move"),
    path(
        "forums/sujets/<int:pk>/moderation/<str:action>/",
        views.topic_moderate,
        name="topic_moderate",
    ),
    path("forums/messages/<int:pk>/", views.post_link, name="post"),
    path("forums/messages/<int:pk>/modifier/", views.post_edit, name="post_edit"),
    path("forums/messages/<int:pk>/supprimer/", views.post_delete, name="post_delete"),
    path("forums/messages/<int:pk>/historique/", views.post_history, name="post_history"),
    path("forums/messages/<int:pk>/signaler/", views.post_report, name="post_report"),
    path("forums/messages/<int:pk>/reaction/", views.post_react, name="post_react"),
    path("forums/messages/<int:pk>/masquer/", views.post_hide, name="post_hide"),
    path("forums/messages/<int:pk>/afficher/", views.post_unhide, name="post_unhide"),
    path("forums/messages/<int:pk>/approuver/", views.post_approve, name="post_approve"),
    path("forums/suivre/<str:kind>/<int:pk>/", views.follow, name="follow"),
    path("forums/<slug:slug>/", views.forum, name="forum"),
    path("forums/<slug:slug>/nouveau-sujet/", views.topic_create, name="topic_create"),
    path("forums/<slug:slug>/image/", editor.image_upload, name="editor_image"),
]

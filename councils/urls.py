from django.urls import path

from . import views

app_name = "councils"

urlpatterns = [
    path("conseils/", views.directory, name="directory"),
    path("conseils/nouveau/", views.create, name="create"),
    path("conseils/invitation/<str:token>/", views.invitation, name="invitation"),
    path("conseils/<slug:slug>/", views.detail, name="detail"),
    path("conseils/<slug:slug>/contact/", views.contact, name="contact"),
    path("conseils/<slug:slug>/rejoindre/", views.join, name="join"),
    path("conseils/<slug:slug>/quitter/", views.leave, name="leave"),
    path("conseils/<slug:slug>/modifier/", views.edit, name="edit"),
    path("conseils/<slug:slug>/archiver/", views.archive, name="archive"),
    path("conseils/<slug:slug>/espace/", views.space, name="space"),
    path("conseils/<slug:slug>/espace/membres/", views.members, name="members"),
    path("conseils/<slug:slug>/espace/transparence/", views.transparency, name="transparency"),
    path("conseils/<slug:slug>/gestion/", views.manage, name="manage"),
    path("conseils/<slug:slug>/gestion/inviter/", views.invite, name="invite"),
    path(
        "conseils/<slug:slug>/gestion/demandes/<int:pk>/refuser/",
        views.request_refuse,
        name="request_refuse",
    ),
    path(
        "conseils/<slug:slug>/gestion/demandes/<int:pk>/<str:decision>/",
        views.request_answer,
        name="request_answer",
    ),
    path(
        "conseils/<slug:slug>/gestion/invitations/<int:pk>/annuler/",
        views.invitation_revoke,
        name="invitation_revoke",
    ),
    path(
        "conseils/<slug:slug>/gestion/membres/<int:pk>/role/", views.member_role, name="member_role"
    ),
    path(
        "conseils/<slug:slug>/gestion/membres/<int:pk>/retirer/",
        views.member_remove,
        name="member_remove",
    ),
    path("conseils/<slug:slug>/gestion/journal/", views.log, name="log"),
    path("mes-conseils/", views.mine, name="mine"),
    path("mes-conseils/demandes/<int:pk>/retirer/", views.join_withdraw, name="join_withdraw"),
    path("animation/conseils/", views.animation, name="animation"),
    path(
        "animation/referents/<int:pk>/retirer/", views.referent_withdraw, name="referent_withdraw"
    ),
]

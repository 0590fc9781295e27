from django.urls import path

from . import feeds, views

app_name = "news"

council = "conseils/<slug:slug>/actualites/"

urlpatterns = [
    path("actualites/", views.index, name="index"),
    path("actualites/conseils/", views.council_news_all, name="councils"),
    path("actualites/nouvelle/", views.create, name="create"),
    path("actualites/flux.atom", feeds.NationalFeed(), name="feed"),
    path("actualites/abonnement/", views.subscription, name="subscription"),
    path("actualites/desabonnement/<str:token>/", views.unsubscribe, name="unsubscribe"),
    path("actualites/<int:pk>/", views.article, name="article"),
    path("actualites/<int:pk>/modifier/", views.edit, name="edit"),
    path("actualites/<int:pk>/supprimer/", views.delete, name="delete"),
    path(council, views.council_news, name="council"),
    path(f"{council}nouvelle/", views.council_create, name="council_create"),
    path(f"{council}flux.atom", feeds.CouncilFeed(), name="council_feed"),
    path(f"{council}abonnement/", views.subscription, name="council_subscription"),
]

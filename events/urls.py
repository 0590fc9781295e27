from django.urls import path

from . import feeds, views

app_name = "events"

event = "conseils/<slug:slug>/agenda/<int:pk>/"
space = "conseils/<slug:slug>/espace/agenda/"

urlpatterns = [
    path("agenda/", views.agenda, name="agenda"),
    path("agenda/passes/", views.agenda_past, name="agenda_past"),
    path("agenda/agenda.ics", feeds.national_feed, name="national_feed"),
    path("conseils/<slug:slug>/agenda.ics", feeds.council_feed, name="council_feed"),
    path(
        "conseils/<slug:slug>/agenda/prive/<str:token>.ics",
        feeds.private_feed,
        name="private_feed",
    ),
    path(event, views.event, name="event"),
    path(f"{event}evenement.ics", feeds.event_feed, name="event_feed"),
    path(f"{event}modifier/", views.event_edit, name="event_edit"),
    path(f"{event}annuler/", views.event_cancel, name="event_cancel"),
    path(f"{event}supprimer/", views.event_delete, name="event_delete"),
    path(f"{event}reponse/", views.answer, name="answer"),
    path(space, views.council_agenda, name="council_agenda"),
    path(f"{space}passes/", views.council_agenda_past, name="council_agenda_past"),
    path(f"{space}nouveau/", views.event_create, name="event_create"),
    path(f"{space}lien-prive/", views.private_link, name="private_link"),
    path(f"{space}lien-prive/revoquer/", views.private_link_revoke, name="private_link_revoke"),
]

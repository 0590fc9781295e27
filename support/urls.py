from django.urls import path

from . import views

app_name = "support"

team = "aide/equipe/"

urlpatterns = [
    path("aide/", views.help_page, name="help"),
    path("aide/mes-demandes/", views.mine, name="mine"),
    path("aide/demandes/<int:pk>/", views.request_page, name="request"),
    path("aide/suivi/<str:token>/", views.follow, name="follow"),
    path("aide/suivi/<str:token>/nouveau-lien/", views.follow_renew, name="follow_renew"),
    path(team, views.queue, name="queue"),
    path(f"{team}statistiques/", views.statistics, name="statistics"),
    path(f"{team}<int:pk>/", views.team_request, name="team_request"),
    path(f"{team}<int:pk>/repondre/", views.team_answer, name="team_answer"),
    path(f"{team}<int:pk>/note/", views.team_note, name="team_note"),
    path(f"{team}<int:pk>/appel/", views.team_call, name="team_call"),
    path(f"{team}<int:pk>/attribuer/", views.team_assign, name="team_assign"),
    path(f"{team}<int:pk>/fermer/", views.team_close, name="team_close"),
    path(f"{team}<int:pk>/rouvrir/", views.team_reopen, name="team_reopen"),
]

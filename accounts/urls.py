from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("profil/", views.profile, name="profile"),
    path("profil/modifier/", views.profile_edit, name="profile_edit"),
    path("membres/<int:pk>/", views.public_profile, name="public_profile"),
    path("mes-donnees/", views.my_data, name="my_data"),
    path("mes-donnees/export/", views.my_data_export, name="my_data_export"),
    path("mes-donnees/supprimer-mon-compte/", views.account_delete, name="account_delete"),
]

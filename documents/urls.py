from django.urls import path

from . import views

app_name = "documents"

prefix = "conseils/<slug:slug>/espace/fichiers/"

urlpatterns = [
    path(prefix, views.folder, name="root"),
    path(f"{prefix}dossiers/<int:pk>/", views.folder, name="folder"),
    path(f"{prefix}ajouter/", views.upload, name="upload"),
    path(f"{prefix}nouveau-dossier/", views.folder_create, name="folder_create"),
    path(f"{prefix}corbeille/", views.trash, name="trash"),
    path(f"{prefix}<int:pk>/", views.document, name="document"),
    path(f"{prefix}<int:pk>/telecharger/", views.download, name="download"),
    path(f"{prefix}<int:pk>/renommer/", views.rename, name="rename"),
    path(f"{prefix}<int:pk>/nouvelle-version/", views.new_version, name="new_version"),
    path(f"{prefix}<str:kind>/<int:pk>/supprimer/", views.delete, name="delete"),
    path(f"{prefix}<str:kind>/<int:pk>/restaurer/", views.restore, name="restore"),
]

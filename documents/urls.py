from django.urls import path

from . import page_views, public_views, resource_views, views

app_name = "documents"

prefix = "conseils/<slug:slug>/espace/fichiers/"

pages = "conseils/<slug:slug>/espace/pages/"

urlpatterns = [
    path("ressources/", resource_views.resources, name="resources"),
    path("ressources/ajouter/", resource_views.resource_add, name="resource_add"),
    path("ressources/<int:pk>/", resource_views.resource_download, name="resource_download"),
    path("ressources/<int:pk>/retirer/", resource_views.resource_delete, name="resource_delete"),
    path("publications/", public_views.publications, name="publications"),
    path("publications/fichiers/<int:pk>/", public_views.public_download, name="public_download"),
    path("publications/pages/<int:pk>/", public_views.public_page, name="public_page"),
    path(
        "conseils/<slug:slug>/espace/publier/<str:kind>/<int:pk>/",
        public_views.toggle_publication,
        name="toggle_publication",
    ),
    path(pages, page_views.pages, name="pages"),
    path(f"{pages}nouvelle/", page_views.page_create, name="page_create"),
    path(f"{pages}<int:pk>/", page_views.page, name="page"),
    path(f"{pages}<int:pk>/modifier/", page_views.page_edit, name="page_edit"),
    path(f"{pages}<int:pk>/historique/", page_views.page_history, name="page_history"),
    path(
        f"{pages}<int:pk>/restaurer/<int:number>/",
        page_views.page_restore,
        name="page_restore",
    ),
    path(prefix, views.folder, name="root"),
    path(f"{prefix}dossiers/<int:pk>/", views.folder, name="folder"),
    path(f"{prefix}ajouter/", views.upload, name="upload"),
    path(f"{prefix}nouveau-dossier/", views.folder_create, name="folder_create"),
    path(f"{prefix}corbeille/", views.trash, name="trash"),
    path(f"{prefix}dossiers/<int:pk>/partager/", views.share, name="share"),
    path(f"{prefix}<int:pk>/", views.document, name="document"),
    path(f"{prefix}<int:pk>/telecharger/", views.download, name="download"),
    path(f"{prefix}<int:pk>/miniature/", views.thumbnail, name="thumbnail"),
    path(f"{prefix}<int:pk>/renommer/", views.rename, name="rename"),
    path(f"{prefix}<int:pk>/nouvelle-version/", views.new_version, name="new_version"),
    path(f"{prefix}<str:kind>/<int:pk>/supprimer/", views.delete, name="delete"),
    path(f"{prefix}<str:kind>/<int:pk>/organiser/", views.move_or_rename, name="organize"),
    path(f"{prefix}<str:kind>/<int:pk>/restaurer/", views.restore, name="restore"),
]

from django.urls import path

from studio.core import ids  # noqa: F401  registers the <id:…> converter

from . import views

app_name = "web"
P = "projects/<id:project_id>/"

urlpatterns = [
    path("", views.project_list, name="project-list"),
    path("account/", views.account, name="account"),
    path("projects/new/", views.project_new, name="project-new"),
    path(P, views.project_overview, name="project-overview"),
    path(P + "settings/", views.project_settings, name="project-settings"),
    path(P + "delete/", views.project_delete, name="project-delete"),
    path(P + "members/", views.member_invite, name="member-invite"),
    path(P + "members/<id:pk>/", views.member_change, name="member-change"),
    path(P + "cast/", views.character_list, name="character-list"),
    path(P + "cast/<id:pk>/", views.character_detail, name="character-detail"),
    path(P + "cast/<id:pk>/delete/", views.character_delete, name="character-delete"),
    path(P + "cast/<id:pk>/suggestion/", views.character_suggestion, name="character-suggestion"),
    path(P + "cast/<id:pk>/references/", views.reference_upload, name="reference-upload"),
    path(P + "cast/<id:pk>/references/<id:ref>/delete/", views.reference_delete, name="reference-delete"),
    path(P + "board/", views.board, name="board"),
    path(P + "storyboard/", views.storyboard, name="storyboard"),
    path(P + "shots/<id:shot_id>/", views.shot_page, name="shot"),
    path(P + "shots/<id:shot_id>/previz/", views.previz_page, name="previz"),
    path(P + "queue/", views.queue_page, name="queue"),
    path(P + "script/", views.script_home, name="script-home"),
    path(P + "scripts/<id:script_id>/", views.script_page, name="script"),
    path(P + "scripts/<id:script_id>/revisions/", views.revision_save, name="revision-save"),
    path(P + "scripts/<id:script_id>/revisions/<id:pk>/", views.revision_action, name="revision-action"),
    path(P + "scripts/<id:script_id>/compare/", views.script_compare, name="script-compare"),
    path(P + "scripts/import/", views.script_import, name="script-import"),
]

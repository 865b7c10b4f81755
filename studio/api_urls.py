"""Routes of the REST API, /api/v1/…: every resource of a project lives under /projects/<id>/."""

from django.urls import path

from studio.accounts.api import TokenView
from studio.cast.api import CharacterViewSet, ReferenceViewSet
from studio.core import ids  # noqa: F401  registers the <id:…> converter
from studio.deliverables.api import DownloadViewSet, ExportViewSet, RetimeViewSet, StoryboardViewSet
from studio.projects.api import MemberViewSet, MeView, ProjectViewSet
from studio.renders.api import GenerationModelViewSet, JobViewSet, ShotPromptViewSet, TakeViewSet
from studio.screenplay.api import RevisionViewSet, SceneViewSet, ScriptFilesViewSet, ScriptViewSet
from studio.shots.api import LayoutAssetViewSet, ShotLayoutViewSet, ShotViewSet

LIST = {"get": "list", "post": "create"}
DETAIL = {"get": "retrieve", "patch": "partial_update", "delete": "destroy"}
READ_DELETE = {"get": "retrieve", "delete": "destroy"}
P = "projects/<id:project_id>/"

urlpatterns = [
    path("me/", MeView.as_view({"get": "retrieve"}), name="me"),
    path("auth/token/", TokenView.as_view(), name="token"),
    path("projects/", ProjectViewSet.as_view(LIST), name="project-list"),
    path("projects/<id:pk>/", ProjectViewSet.as_view(DETAIL), name="project-detail"),
    path(P + "members/", MemberViewSet.as_view(LIST), name="member-list"),
    path(P + "members/<id:pk>/", MemberViewSet.as_view(DETAIL), name="member-detail"),
    path(P + "characters/", CharacterViewSet.as_view(LIST), name="character-list"),
    path(P + "characters/<id:pk>/", CharacterViewSet.as_view(DETAIL), name="character-detail"),
    path(P + "characters/<id:pk>/confirm/", CharacterViewSet.as_view({"post": "confirm"}), name="character-confirm"),
    path(P + "characters/<id:pk>/dismiss/", CharacterViewSet.as_view({"post": "dismiss"}), name="character-dismiss"),
    path(P + "characters/<id:character_id>/references/", ReferenceViewSet.as_view(LIST), name="reference-list"),
    path(P + "characters/<id:character_id>/references/<id:pk>/", ReferenceViewSet.as_view(READ_DELETE),
         name="reference-detail"),
    path(P + "scripts/", ScriptViewSet.as_view(LIST), name="script-list"),
    path(P + "scripts/<id:pk>/", ScriptViewSet.as_view(DETAIL), name="script-detail"),
    path(P + "scripts/import/", ScriptFilesViewSet.as_view({"post": "import_file"}), name="script-import"),
    path(P + "scripts/<id:script_id>/compare/", ScriptFilesViewSet.as_view({"get": "compare"}),
         name="script-compare"),
    path(P + "scripts/<id:script_id>/export/", ScriptFilesViewSet.as_view({"get": "export"}), name="script-export"),
    path(P + "scripts/<id:script_id>/revisions/", RevisionViewSet.as_view(LIST), name="revision-list"),
    path(P + "scripts/<id:script_id>/revisions/<id:pk>/", RevisionViewSet.as_view(READ_DELETE),
         name="revision-detail"),
    path(P + "scripts/<id:script_id>/revisions/<id:pk>/restore/", RevisionViewSet.as_view({"post": "restore"}),
         name="revision-restore"),
    path(P + "scenes/", SceneViewSet.as_view(LIST), name="scene-list"),
    path(P + "scenes/reorder/", SceneViewSet.as_view({"post": "reorder"}), name="scene-reorder"),
    path(P + "scenes/<id:pk>/", SceneViewSet.as_view(DETAIL), name="scene-detail"),
    path(P + "shots/", ShotViewSet.as_view(LIST), name="shot-list"),
    path(P + "shots/reorder/", ShotViewSet.as_view({"post": "reorder"}), name="shot-reorder"),
    path(P + "shots/<id:pk>/", ShotViewSet.as_view(DETAIL), name="shot-detail"),
    path(P + "shots/<id:shot_id>/layout/", ShotLayoutViewSet.as_view({"get": "retrieve", "put": "update"}),
         name="shot-layout"),
    path(P + "shots/<id:shot_id>/prompt/", ShotPromptViewSet.as_view({"get": "retrieve"}), name="shot-prompt"),
    path(P + "assets/", LayoutAssetViewSet.as_view(LIST), name="asset-list"),
    path(P + "assets/<id:pk>/", LayoutAssetViewSet.as_view({"get": "retrieve"}), name="asset-detail"),
    path(P + "models/", GenerationModelViewSet.as_view({"get": "list"}), name="model-list"),
    path(P + "models/<str:name>/tokens/", GenerationModelViewSet.as_view({"post": "tokens"}), name="model-tokens"),
    path(P + "jobs/", JobViewSet.as_view(LIST), name="job-list"),
    path(P + "jobs/<id:pk>/", JobViewSet.as_view({"get": "retrieve"}), name="job-detail"),
    path(P + "jobs/<id:pk>/cancel/", JobViewSet.as_view({"post": "cancel"}), name="job-cancel"),
    path(P + "jobs/<id:pk>/retry/", JobViewSet.as_view({"post": "retry"}), name="job-retry"),
    path(P + "storyboard/", StoryboardViewSet.as_view({"get": "retrieve"}), name="storyboard"),
    path(P + "exports/", ExportViewSet.as_view(LIST), name="export-list"),
    path(P + "exports/<id:pk>/", ExportViewSet.as_view({"get": "retrieve"}), name="export-detail"),
    path(P + "exports/<id:pk>/cancel/", ExportViewSet.as_view({"post": "cancel"}), name="export-cancel"),
    path(P + "exports/<id:pk>/file/", ExportViewSet.as_view({"get": "file"}), name="export-file"),
    path(P + "downloads/<str:name>", DownloadViewSet.as_view({"get": "retrieve"}), name="download"),
    path(P + "editorial/retime/", RetimeViewSet.as_view({"post": "read"}), name="retime-read"),
    path(P + "editorial/retime/apply/", RetimeViewSet.as_view({"post": "apply"}), name="retime-apply"),
    path(P + "takes/", TakeViewSet.as_view(LIST), name="take-list"),
    path(P + "takes/capture/", TakeViewSet.as_view({"post": "capture"}), name="take-capture"),
    path(P + "takes/animatic/", TakeViewSet.as_view({"post": "animatic"}), name="take-animatic"),
    path(P + "takes/<id:pk>/", TakeViewSet.as_view({"get": "retrieve"}), name="take-detail"),
    path(P + "takes/<id:pk>/depth/", TakeViewSet.as_view({"get": "depth"}), name="take-depth"),
    path(P + "takes/<id:pk>/review/", TakeViewSet.as_view({"post": "review"}), name="take-review"),
    path(P + "takes/<id:pk>/pick/", TakeViewSet.as_view({"post": "pick"}), name="take-pick"),
    path(P + "takes/<id:pk>/media/", TakeViewSet.as_view({"get": "media"}), name="take-media"),
    path(P + "takes/<id:pk>/thumbnail/", TakeViewSet.as_view({"get": "thumbnail"}), name="take-thumbnail"),
]

"""The studio's pages. Views parse forms, call services and render; they decide nothing themselves."""

from __future__ import annotations

import math
from dataclasses import asdict
from decimal import ROUND_HALF_UP, Decimal

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_POST

from studio.accounts import services as account_services
from studio.cast import selectors as cast_selectors
from studio.cast import services as cast_services
from studio.cast.events import CharacterData
from studio.cast.models import Character, ReferenceImage
from studio.core import concurrency
from studio.core.errors import Busy, Conflict, StaleVersion
from studio.core.words import plural
from studio.deliverables import editorial
from studio.deliverables import selectors as deliverable_selectors
from studio.deliverables import storyboard as storyboard_json
from studio.deliverables.api import DOWNLOADS
from studio.deliverables.events import ExportData
from studio.live.events import UserRef
from studio.projects import permissions, selectors, services
from studio.projects.events import MemberData, ProjectData
from studio.projects.models import Membership, Project
from studio.projects.permissions import Capability, Role
from studio.renders import prompt as prompts
from studio.renders import selectors as render_selectors
from studio.renders.api import model_rows
from studio.renders.events import JobData, TakeData
from studio.renders.models import GenerationJob, Take
from studio.screenplay import selectors as screenplay_selectors
from studio.screenplay import services as script_services
from studio.screenplay.compare import compare
from studio.screenplay.events import SceneData, ScriptData
from studio.screenplay.models import Script, ScriptRevision
from studio.shots import files as shot_files
from studio.shots import selectors as shot_selectors
from studio.shots.models import APPROVAL_COVERS, STATUS_MEANINGS, TAKE_REVIEWS_MEAN, Shot

from .access import page_context, project_page
from .forms import CharacterForm, InviteForm, LoginForm, ProjectForm, ReferenceForm, RoleForm


def _form_errors(form, exc: ValidationError) -> None:
    """Put a service's ValidationError on the form, by field where the form has that field."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- Projects -------------------------------------------------------------


@login_required
def project_list(request):
    projects = list(selectors.projects_for(user=request.user))
    return render(request, "web/project_list.html", {"projects": projects, "roles": dict(Role.choices)})


@login_required
def project_new(request):
    form = ProjectForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, f"{project.title} is ready. Invite your team.")
            return redirect("web:project-overview", project_id=project.pk)
    return render(request, "web/project_new.html", {"form": form}, status=400 if form.errors else 200)


@project_page()
def project_overview(request, project):
    form = ProjectForm(instance=project)
    return render(request, "web/project_overview.html", page_context(
        request, form=form, invite_form=InviteForm(), members=list(selectors.members_of(project=project)),
        roles=Role.choices, role_table=_role_table(), stats=_stats(project), tab="overview",
    ))


def _stats(project: Project) -> dict:
    shots = Shot.objects.filter(project=project)
    return {
        "scenes": project.scenes.count(),
        "shots": shots.count(),
        "approved": shots.filter(status=Shot.Status.APPROVED).count(),
        "characters": project.characters.count(),
        "runtime": sum(float(d) for d in shots.values_list("duration", flat=True)),
    }


def _role_table() -> list[dict]:
    """One row per capability: its short name, what it means, and which roles hold it."""
    return [
        {"label": permissions.LABELS[cap], "description": permissions.DESCRIPTIONS[cap],
         "roles": [{"role": role, "allowed": permissions.can(role, cap)} for role in Role.values]}
        for cap in Capability
    ]


@require_POST
@project_page(Capability.EDIT_PROJECT)
def project_settings(request, project):
    form = ProjectForm(request.POST, instance=Project.objects.get(pk=project.pk))
    if form.is_valid():
        try:
            services.project_update(actor=request.user, project=project, changes=form.cleaned_data)
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, "Project settings saved.")
            return redirect("web:project-overview", project_id=project.pk)
    return render(request, "web/project_overview.html", page_context(
        request, form=form, invite_form=InviteForm(), members=list(selectors.members_of(project=project)),
        roles=Role.choices, role_table=_role_table(), stats=_stats(project), tab="overview",
    ), status=400)


@require_POST
@project_page(Capability.DELETE_PROJECT)
def project_delete(request, project):
    if request.POST.get("confirm_title", "").strip() != project.title:
        messages.error(request, "Type the project's title exactly to delete it.")
        return redirect("web:project-overview", project_id=project.pk)
    services.project_delete(actor=request.user, project=project)
    messages.success(request, f"{project.title} was deleted.")
    return redirect("web:project-list")


@require_POST
@project_page(Capability.MANAGE_MEMBERS)
def member_invite(request, project):
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            membership = services.member_add(actor=request.user, project=project, **form.cleaned_data)
        except ValidationError as exc:
            for errors in exc.message_dict.values():
                for error in errors:
                    messages.error(request, error)
        else:
            messages.success(request, f"{membership.user.name} joined as {membership.get_role_display().lower()}.")
    else:
        messages.error(request, "Give a username and a role to invite someone.")
    return redirect("web:project-overview", project_id=project.pk)


@require_POST
@project_page()
def member_change(request, project, pk):
    membership = get_object_or_404(Membership.objects.select_related("user", "project"), project=project, pk=pk)
    try:
        if request.POST.get("action") == "remove":
            services.member_remove(actor=request.user, membership=membership)
            if membership.user_id == request.user.pk:
                messages.success(request, f"You left {project.title}.")
                return redirect("web:project-list")
            messages.success(request, f"{membership.user.name} was removed from the project.")
        else:
            form = RoleForm(request.POST)
            if not form.is_valid():
                raise ValidationError({"role": ["Choose a role."]})
            services.member_update(actor=request.user, membership=membership, role=form.cleaned_data["role"])
            messages.success(request, f"{membership.user.name} is now {form.cleaned_data['role']}.")
    except (Conflict, ValidationError) as exc:
        messages.error(request, str(exc) if isinstance(exc, Conflict) else " ".join(exc.messages))
    return redirect("web:project-overview", project_id=project.pk)


# --- Cast -----------------------------------------------------------------


@project_page()
def character_list(request, project):
    form = CharacterForm(request.POST or None, prefix="new", initial={"color": cast_services.next_color(project)})
    if request.method == "POST":
        permissions.require(request.membership.role, Capability.EDIT_CAST)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k != "version" and v not in (None, "")}
            try:
                character = cast_services.character_create(actor=request.user, project=project, **data)
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, f"{character.name} joined the cast.")
                return redirect("web:character-detail", project_id=project.pk, pk=character.pk)
    everyone = list(cast_selectors.characters_of(project=project))
    return render(request, "web/character_list.html", page_context(
        request, characters=[c for c in everyone if not c.suggested], suggested=[c for c in everyone if c.suggested],
        form=form, tab="cast", open_new=request.method == "POST",
    ), status=400 if form.errors else 200)


@project_page()
def character_detail(request, project, pk):
    character = get_object_or_404(cast_selectors.characters_of(project=project), pk=pk)
    form = CharacterForm(request.POST or None, instance=Character.objects.get(pk=character.pk))
    conflict = None
    if request.method == "POST":
        permissions.require(request.membership.role, Capability.EDIT_CAST)
        if form.is_valid():
            changes = {k: v for k, v in form.cleaned_data.items() if k != "version"}
            if changes.get("seed") is None:
                changes.pop("seed")
            if not changes.get("color"):
                changes.pop("color")
            try:
                cast_services.character_update(actor=request.user, character=character,
                                               expected_version=form.cleaned_data["version"], changes=changes)
            except StaleVersion as exc:
                conflict = exc
                character = get_object_or_404(cast_selectors.characters_of(project=project), pk=pk)
                form.data = form.data.copy()
                form.data["version"] = character.version
            except ValidationError as exc:
                _form_errors(form, exc)
            else:
                messages.success(request, f"{form.cleaned_data['name']} saved.")
                return redirect("web:character-detail", project_id=project.pk, pk=pk)
    shots = list(character.shots.select_related("scene").order_by("scene__order", "order")[:50])
    return render(request, "web/character_detail.html", page_context(
        request, character=character, form=form, reference_form=ReferenceForm(), conflict=conflict, shots=shots,
        tab="cast",
    ), status=409 if conflict else (400 if form.errors else 200))


def _posted_version(request) -> int:
    """The version a form was made from; one that is not a whole number is no version (0: always stale)."""
    try:
        return concurrency.whole_version(request.POST.get("version") or "0")
    except ValueError:
        return 0


@require_POST
@project_page(Capability.EDIT_CAST)
def character_delete(request, project, pk):
    character = get_object_or_404(Character, project=project, pk=pk)
    try:
        cast_services.character_delete(actor=request.user, character=character,
                                       expected_version=_posted_version(request))
    except StaleVersion as exc:
        messages.error(request, str(exc))
        return redirect("web:character-detail", project_id=project.pk, pk=pk)
    messages.success(request, f"{character.name} was removed from the cast.")
    return redirect("web:character-list", project_id=project.pk)


@require_POST
@project_page(Capability.EDIT_CAST)
def character_suggestion(request, project, pk):
    """Add a character the script suggested to the cast, or say it is not one."""
    character = get_object_or_404(Character, project=project, pk=pk)
    try:
        if request.POST.get("action") == "dismiss":
            cast_services.character_dismiss(actor=request.user, character=character)
            messages.success(request, f"{character.name.upper()} won't be suggested again.")
        else:
            cast_services.character_confirm(actor=request.user, character=character)
            messages.success(request, f"{character.name} joined the cast.")
    except Conflict as exc:
        messages.error(request, str(exc))
    return redirect("web:character-list", project_id=project.pk)


@require_POST
@project_page(Capability.EDIT_CAST)
def reference_upload(request, project, pk):
    character = get_object_or_404(Character, project=project, pk=pk)
    form = ReferenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            cast_services.reference_add(actor=request.user, character=character, upload=form.cleaned_data["image"],
                                        caption=form.cleaned_data["caption"])
        except ValidationError as exc:
            for error in exc.messages:
                messages.error(request, error)
        except Busy as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, "Reference added.")
    else:
        messages.error(request, "Choose an image to upload.")
    return redirect("web:character-detail", project_id=project.pk, pk=pk)


@require_POST
@project_page(Capability.EDIT_CAST)
def reference_delete(request, project, pk, ref):
    reference = get_object_or_404(ReferenceImage.objects.select_related("character"), character__project=project,
                                  character_id=pk, pk=ref)
    cast_services.reference_delete(actor=request.user, reference=reference)
    messages.success(request, "Reference removed.")
    return redirect("web:character-detail", project_id=project.pk, pk=pk)


# --- Script ---------------------------------------------------------------


@project_page()
def script_home(request, project):
    """The project's script: its first one (most projects have one)."""
    script = screenplay_selectors.scripts_of(project=project).first()
    if script is None:
        raise Http404("This project has no script.")
    return redirect("web:script", project_id=project.pk, script_id=script.pk)


@project_page()
def script_page(request, project, script_id):
    """The live screenplay editor; the text arrives over the script socket, not in the page."""
    script = get_object_or_404(Script, project=project, pk=script_id)
    data = {
        "script": {"id": script.pk, "title": script.title},
        "scripts": [{"id": s.pk, "title": s.title} for s in screenplay_selectors.scripts_of(project=project)],
        "can_edit": permissions.can(request.membership.role, Capability.EDIT_SCRIPT),
        "me": asdict(UserRef.of(request.user)),
    }
    revisions = list(script.revisions.select_related("created_by"))
    return render(request, "web/script.html", page_context(
        request, script=script, script_data=data, revisions=revisions, colors=ScriptRevision.Color.choices,
        tab="script",
    ))


@require_POST
@project_page(Capability.EDIT_SCRIPT)
def revision_save(request, project, script_id):
    script = get_object_or_404(Script, project=project, pk=script_id)
    try:
        revision = script_services.revision_create(actor=request.user, script=script,
                                                   name=request.POST.get("name", ""),
                                                   color=request.POST.get("color", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"Kept the script as “{revision.name}”.")
    return redirect(f"{reverse('web:script', args=[project.pk, script.pk])}?revisions=1")


@require_POST
@project_page(Capability.EDIT_SCRIPT)
def revision_action(request, project, script_id, pk):
    revision = get_object_or_404(ScriptRevision.objects.select_related("script"), script__project=project,
                                 script_id=script_id, pk=pk)
    if request.POST.get("action") == "delete":
        script_services.revision_delete(actor=request.user, revision=revision)
        messages.success(request, f"Deleted the revision “{revision.name}”.")
    else:
        script_services.revision_restore(actor=request.user, revision=revision)
        messages.success(request, f"The script reads as “{revision.name}” again; what it said before is kept "
                                  "as a revision.")
    return redirect(f"{reverse('web:script', args=[project.pk, script_id])}?revisions=1")


@project_page()
def script_compare(request, project, script_id):
    """Two versions of the script side by side, scene by scene."""
    script = get_object_or_404(Script, project=project, pk=script_id)
    revisions = list(script.revisions.select_related("created_by"))
    by_id = {str(r.pk): r for r in revisions}
    left, right = request.GET.get("from") or (str(revisions[0].pk) if revisions else "now"), \
        request.GET.get("to") or "now"

    def text_of(ref):
        if ref == "now" or ref not in by_id:
            return "now", script_services.current_text(script)
        return ref, by_id[ref].text

    left, old = text_of(left)
    right, new = text_of(right)
    comparison = compare(old, new)
    scenes = [{"change": change, "rows": [_marked_row(line) for line in change.lines]} for change in comparison.scenes]
    return render(request, "web/script_compare.html", page_context(
        request, script=script, revisions=revisions, left=left, right=right, scenes=scenes,
        counts=comparison.counts, front=[_marked_row(line) for line in comparison.front_matter
                                          if line.kind not in ("same", "blank")],
        tab="script",
    ))


def _marked(text: str, marks: list[tuple[int, int]]) -> str:
    """The text as HTML, with its changed spans in <mark>."""
    out, last = [], 0
    for start, end in marks:
        out += [escape(text[last:start]), f"<mark>{escape(text[start:end])}</mark>"]
        last = end
    out.append(escape(text[last:]))
    return mark_safe("".join(out))


def _marked_row(line) -> dict:
    return {"kind": line.kind, "old": _marked(line.old, line.old_marks), "new": _marked(line.new, line.new_marks)}


@require_POST
@project_page(Capability.EDIT_SCRIPT)
def script_import(request, project):
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, "Choose a Fountain or Final Draft file to import.")
        return redirect("web:script-home", project_id=project.pk)
    try:
        script = script_services.script_import(actor=request.user, project=project, upload=upload,
                                               title=request.POST.get("title", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("web:script-home", project_id=project.pk)
    messages.success(request, f"Imported “{script.title}” with {plural(script.scenes.count(), 'scene')}.")
    return redirect("web:script", project_id=project.pk, script_id=script.pk)


# --- Board ----------------------------------------------------------------


# What the inspector says of a shot's status next to its takes' reviews (shots.models holds the words)
STATUS_HELP = {"meanings": {str(k): v for k, v in STATUS_MEANINGS.items()}, "approval_covers": list(APPROVAL_COVERS),
               "takes": TAKE_REVIEWS_MEAN}


@project_page()
def board(request, project):
    """The shot board. The page carries its first page of scenes (``STUDIO_BOARD_SCENES_PER_PAGE``) with their
    shots as JSON, and where the rest is (``more``: the API's next page of scenes, whose shots the board fetches
    by scene); the board module draws it, fetches the rest, and keeps it live."""
    per_page = settings.STUDIO_BOARD_SCENES_PER_PAGE
    scenes = list(screenplay_selectors.scenes_of(project=project)[:per_page + 1])
    more = len(scenes) > per_page
    scenes = scenes[:per_page]
    state = {
        "project": asdict(ProjectData.of(project)),
        "me": {**asdict(UserRef.of(request.user)), "role": request.membership.role,
               "capabilities": sorted(c.value for c in permissions.capabilities_of(request.membership.role))},
        "scripts": [asdict(ScriptData.of(s)) for s in screenplay_selectors.scripts_of(project=project)],
        "scenes": [asdict(SceneData.of(s)) for s in scenes],
        "shots": shot_selectors.board_shots(project=project, scene_ids=[s.pk for s in scenes] if more else None),
        "more": f"/api/v1/projects/{project.pk}/scenes/?page=2&page_size={per_page}" if more else None,
        "characters": [asdict(CharacterData.of(c)) for c in cast_selectors.characters_of(project=project)],
        "members": [asdict(MemberData.of(m)) for m in selectors.members_of(project=project)],
        "takes": render_selectors.board_takes(project),
        "choices": {
            "size": Shot.Size.choices, "angle": Shot.Angle.choices, "movement": Shot.Movement.choices,
            "status": Shot.Status.choices,
        },
        "status_help": STATUS_HELP,
    }
    return render(request, "web/board.html", page_context(request, board_state=state, tab="board"))


# --- Storyboard -----------------------------------------------------------

# The exports a storyboard page lists when it opens (newer ones arrive as export.* events)
STORYBOARD_EXPORTS = 20


@project_page()
def storyboard(request, project):
    """The storyboard: every shot's selected take as a panel in script order, grouped by scene, with the cut's
    timeline under it. The page carries the storyboard as the API gives it (``GET storyboard/``), the recent exports
    and what the member may do; the storyboard module draws it and reads it again on every change to shots, takes
    or scenes."""
    sequence = deliverable_selectors.sequence_of(project=project)
    caps = permissions.capabilities_of(request.membership.role)
    state = {
        "project": asdict(ProjectData.of(project)),
        "me": {**asdict(UserRef.of(request.user)), "role": request.membership.role,
               "capabilities": sorted(c.value for c in caps)},
        "storyboard": storyboard_json.as_json(sequence, project),
        "exports": [asdict(ExportData.of(e))
                    for e in deliverable_selectors.exports_of(project=project)[:STORYBOARD_EXPORTS]],
        "downloads": [{"name": name, "label": DOWNLOADS[name]} for name in editorial.names()],
    }
    return render(request, "web/storyboard.html", page_context(request, storyboard_state=state, tab="storyboard"))


# --- Shots and generation -------------------------------------------------
#
# The shot and queue pages paint their jobs and takes here, and carry them as data (``*-state`` scripts in each
# part) for the page's store (frontend/src/renders/store.js), which then applies job.* and take.* events from
# their payloads and draws the same rows in the browser (frontend/src/renders/rows.js mirrors these templates).
# A part is fetched again only on a resync.

def _labels() -> dict[str, dict[str, str]]:
    """The words the rows use for kinds and reviews: the pages' scripts get the same. (A mode's words come with each
    job and take: ``mode_label``, from its typed request.)"""
    return {"kind": dict(GenerationJob.Kind.choices), "review": dict(Take.Review.choices)}


def _fixed1(value: float) -> str:
    """``value`` with one decimal, rounded half up on its exact binary value, as JavaScript's toFixed(1) does."""
    return str(Decimal(value).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP))


def _duration(seconds: int) -> str:
    """As frontend/src/lib/dom.js formatDuration says whole seconds (progress.js tickElapsed): "12s", "2m 05s"."""
    if seconds < 60:
        return f"{seconds}s"
    return f"{seconds // 60}m {seconds % 60:02d}s"


def _job_row(job: GenerationJob, *, labels: dict, positions: dict) -> dict:
    """A job as the pages show it: its event shape, plus the words for it and where it stands."""
    take = getattr(job, "take", None) if job.status == GenerationJob.Status.SUCCEEDED else None
    data = JobData.of(job, take_id=take.pk if take else None)
    return {
        "data": data, "take": TakeData.of(take) if take else None, "kind_label": labels["kind"][data.kind],
        "mode_label": data.mode_label, "position": positions.get(job.pk),
        "percent": f"{math.floor(data.progress * 1000 + 0.5) / 10:.1f}", "retried": getattr(job, "retried", False),
        "elapsed": _duration(max(0, math.floor((timezone.now() - job.started_at).total_seconds() + 0.5)))
        if job.started_at else "",
    }


def _take_row(take: Take, *, labels: dict) -> dict:
    data = TakeData.of(take)
    made = data.made_with
    return {
        "take": data, "review_label": labels["review"][data.review],
        "mode_label": made.mode_label if made else "",
        "strength": _py_float(made.strength) if made and made.strength is not None else "",
        "guidance": _py_float(made.guidance) if made else "",
        "seconds": _fixed1(made.seconds) if made and made.seconds is not None else "",
        "duration": _fixed1(data.frames / data.fps) if data.kind == Take.Kind.CLIP and data.fps else "",
    }


def _py_float(value: float) -> str:
    return repr(float(value))


def _state(rows: list[dict], **extra) -> dict:
    """What a part's rows hold, as data for the page's store."""
    return {
        "jobs": [asdict(r["data"]) for r in rows if "data" in r],
        "retried": [r["data"].id for r in rows if r.get("retried")],
        **extra,
    }


def _shot_parts(project: Project, shot: Shot) -> dict:
    labels = _labels()
    takes = [_take_row(t, labels=labels) for t in render_selectors.takes_of(project=project).filter(shot=shot)]
    shown = render_selectors.shot_jobs(project, shot)
    # the places of all the project's queued jobs, not only this shot's: when a job of another shot starts, the
    # page moves this shot's jobs up by that job's place (see selectors.queue_positions)
    positions = render_selectors.project_queue_positions(project=project)
    jobs = [_job_row(j, labels=labels, positions=positions) for j in shown]
    return {
        "takes": takes, "jobs": jobs,
        "jobs_state": _state(jobs, positions=positions),
        "takes_state": {"takes": [asdict(row["take"]) for row in takes]},
    }


@project_page()
def shot_page(request, project, shot_id):
    """One shot: its generation panel, its jobs as they run, and its takes, newest first.

    ``?part=takes`` or ``?part=jobs`` renders only that part (the page's module asks for it after a resync)."""
    shot = render_selectors.shot_for_generation(project=project, shot_id=shot_id)
    context = {"shot": shot, **_shot_parts(project, shot)}
    part = request.GET.get("part")
    if part in ("takes", "jobs"):
        return render(request, f"web/_shot_{part}.html", page_context(request, **context))

    scene = shot.scene
    characters = list(shot.characters.all())
    around = shot_selectors.neighbours_of(shot)  # two small queries, however many shots
    assembled = {kind: prompts.assemble(shot, kind=kind) for kind in ("frame", "clip")}
    data = {
        "project": {"id": project.pk, "aspect_ratio": project.aspect_ratio},
        "shot": {"id": shot.pk, "number": shot.number},
        "me": asdict(UserRef.of(request.user)),
        "can": {cap.value: cap in permissions.capabilities_of(request.membership.role) for cap in Capability},
        "models": model_rows(project),
        "labels": _labels(),
        "recent_failures_s": int(render_selectors.RECENT_FAILURES.total_seconds()),
        "prompts": {kind: {"prompt": a.prompt, "negative_prompt": a.negative_prompt, "seed": a.seed,
                           "seed_source": a.seed_source, "parts": [asdict(p) for p in a.parts],
                           "references": len(a.references)} for kind, a in assembled.items()},
    }
    return render(request, "web/shot.html", page_context(
        request, **context, scene=scene, characters=characters, shot_data=data,
        prompt=assembled["frame"], models=data["models"],
        frame_model=next((m for m in data["models"] if "frame" in m["kinds"]), None),
        image_takes=[row["take"] for row in context["takes"] if row["take"].kind == Take.Kind.IMAGE],
        previous=around.previous, next=around.next, position=around.position, total=around.total, tab="board",
        size_label=Shot.Size(shot.size).label, angle_label=Shot.Angle(shot.angle).label,
        movement_label=Shot.Movement(shot.movement).label, status_label=Shot.Status(shot.status).label,
        status_meaning=STATUS_MEANINGS[shot.status], take_reviews_mean=TAKE_REVIEWS_MEAN,
    ))


QUEUE_RECENT, QUEUE_FAILED, QUEUE_FINISHED = 40, 20, 12  # frontend/src/renders/queue.js keeps the same


@project_page()
def queue_page(request, project):
    """The project's generation queue: running, queued, failed and recently finished jobs, kept live."""
    jobs = render_selectors.jobs_of(project=project)
    active = list(jobs.filter(status__in=GenerationJob.ACTIVE).order_by("created_at", "id"))
    recent = list(jobs.filter(status__in=GenerationJob.FINISHED)
                  .annotate(retried=render_selectors.retried())
                  .order_by("-finished_at", "-id")[:QUEUE_RECENT])
    labels = _labels()
    positions = render_selectors.project_queue_positions(project=project)
    total_queued = render_selectors.queued_count()

    def rows(items):
        return [_job_row(j, labels=labels, positions=positions) for j in items]

    failed = rows([j for j in recent if j.status == GenerationJob.Status.FAILED][:QUEUE_FAILED])
    finished = rows([j for j in recent if j.status != GenerationJob.Status.FAILED][:QUEUE_FINISHED])
    running = rows(j for j in active if j.status == GenerationJob.Status.RUNNING)
    queued = rows(sorted((j for j in active if j.status == GenerationJob.Status.QUEUED),
                         key=lambda j: positions.get(j.pk, 0)))
    everything = running + queued + failed + finished
    context = {
        "running": running, "queued": queued, "failed": failed, "finished": finished, "total_queued": total_queued,
        "queue_state": _state(everything, positions=positions, total_queued=total_queued,
                              takes=[asdict(r["take"]) for r in finished if r["take"]]),
    }
    if request.GET.get("part") == "queue":
        return render(request, "web/_queue.html", page_context(request, **context))
    data = {"project": {"id": project.pk},
            "can": {cap.value: cap in permissions.capabilities_of(request.membership.role) for cap in Capability},
            "labels": labels, "limits": {"recent": QUEUE_RECENT, "failed": QUEUE_FAILED, "finished": QUEUE_FINISHED}}
    return render(request, "web/queue.html", page_context(request, **context, queue_data=data, tab="queue"))


@project_page()
def previz_page(request, project, shot_id):
    """The 3D layout editor of one shot: stage, mannequins, set pieces and the shot camera (three.js).

    Everyone on the project may look; only those who edit shots may change the layout (the API says the same)."""
    shot = get_object_or_404(Shot.objects.select_related("scene"), project=project, pk=shot_id)
    characters = list(Character.objects.filter(project=project).order_by("name", "id").values("id", "name", "color"))
    caps = permissions.capabilities_of(request.membership.role)
    data = {
        "project": {"id": project.pk, "title": project.title, "aspect_ratio": float(project.aspect_ratio)},
        "shot": {"id": shot.pk, "number": shot.number, "size": shot.size, "lens_mm": shot.lens_mm,
                 "duration": float(shot.duration), "url": reverse("web:shot", args=[project.pk, shot.pk])},
        "characters": characters,
        "shot_characters": list(shot.characters.values_list("id", flat=True)),
        "shot_references": ReferenceImage.objects.filter(character__shots=shot).count(),
        "assets": [{"id": a.pk, "name": a.name, "url": shot_files.asset_url(a), "bytes": a.bytes}
                   for a in shot_selectors.assets_of(project=project)],
        "limits": {"asset_bytes": settings.STUDIO_MAX_ASSET_BYTES},
        "me": asdict(UserRef.of(request.user)),
        "can_edit": Capability.EDIT_SHOTS in caps,
        "can_generate": Capability.GENERATE in caps,
        "api": {
            "layout": f"/api/v1/projects/{project.pk}/shots/{shot.pk}/layout/",
            "capture": f"/api/v1/projects/{project.pk}/takes/capture/",
            "animatic": f"/api/v1/projects/{project.pk}/takes/animatic/",
            "jobs": f"/api/v1/projects/{project.pk}/jobs/",
            "assets": f"/api/v1/projects/{project.pk}/assets/",
            "asset_files": f"/projects/{project.pk}/media/assets/",
        },
    }
    return render(request, "web/previz.html", page_context(
        request, shot=shot, scene=shot.scene, previz_data=data, can_edit=data["can_edit"], tab="board",
        size_label=Shot.Size(shot.size).label,
    ))


# --- Account --------------------------------------------------------------


@login_required
def account(request):
    token = account_services.token_of(user=request.user)
    if request.method == "POST":
        token = account_services.token_rotate(actor=request.user)
        messages.success(request, "A new API token was made; the old one no longer works.")
        return render(request, "web/account.html", {"token": token, "show_token": True})
    return render(request, "web/account.html", {"token": token, "show_token": False})


class LoginView(auth_views.LoginView):
    """The login page: a refused login while logins wait is a 429 with Retry-After, the form saying why."""

    template_name = "web/login.html"
    redirect_authenticated_user = True
    authentication_form = LoginForm

    def form_invalid(self, form):
        response = super().form_invalid(form)
        wait = getattr(form, "wait_s", 0)
        if wait:
            response.status_code = 429
            response["Retry-After"] = str(wait)
        return response

"""Writes to scripts and scenes."""

from __future__ import annotations

import logging
import re
from functools import partial
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max
from django.utils import timezone

from studio.core.concurrency import lock_current
from studio.core.errors import Conflict
from studio.core.ordering import check_complete_order
from studio.core.services import apply_changes, validate
from studio.core.words import noun
from studio.live.events import UserRef
from studio.projects import permissions
from studio.projects.access import authorize
from studio.projects.models import Project
from studio.projects.permissions import Capability
from studio.projects.selectors import role_of

from . import collab, events, rooms
from .events import RevisionData, SceneData, ScriptData
from .models import Scene, Script, ScriptRevision, ScriptUpdate

log = logging.getLogger(__name__)

# --- Scripts --------------------------------------------------------------


class ScriptChanges(TypedDict, total=False):
    title: str
    fountain: str


def first_script_create(*, actor, project: Project) -> Script:
    """A new project starts with an empty script named after it (``projects.hooks.on_project_created``)."""
    return Script.objects.create(project=project, title=project.title)


@transaction.atomic
def script_create(*, actor, project: Project, title: str, fountain: str = "") -> Script:
    authorize(actor=actor, project=project, capability=Capability.EDIT_SCRIPT)
    script = Script(project=project, title=(title or "").strip())
    validate(script)
    script.save()
    events.publish(events.ScriptCreated(project_id=project.pk, actor=UserRef.of(actor), script=ScriptData.of(script)))
    if fountain:
        _set_text(script, fountain, actor=actor)
    return script


@transaction.atomic
def script_update(*, actor, script: Script, changes: ScriptChanges) -> Script:
    """Rename a script, or replace its text: a new text becomes an edit of the shared document that
    every open editor receives, made of small changes so their cursors and concurrent edits survive."""
    authorize(actor=actor, project=script.project, capability=Capability.EDIT_SCRIPT)
    script = Script.objects.select_for_update().get(pk=script.pk)
    changes = dict(changes)
    text = changes.pop("fountain", None)
    if isinstance(changes.get("title"), str):
        changes["title"] = changes["title"].strip()
    changed = apply_changes(script, changes, allowed=("title",))
    if changed:
        validate(script)
        script.save()
    if text is not None and _set_text(script, text, actor=actor):
        changed.append("fountain")
    if changed:
        events.publish(events.ScriptUpdated(
            project_id=script.project_id, actor=UserRef.of(actor), script=ScriptData.of(script), changed=changed,
        ))
    return script


def _set_text(script: Script, text: str, *, actor) -> bool:
    """Make the script's document read ``text`` (in the caller's transaction, script row locked); a text over the
    scene cap is refused first (400), before any work on the document."""
    from .fountain import parse

    screenplay = parse(text)
    _check_scene_cap(screenplay)
    doc = collab.load_doc(script.pk)
    update = collab.replace_text(doc, text)
    if update is None:
        return False
    collab.append_update(script.pk, update, author_id=actor.pk if actor else None)
    transaction.on_commit(partial(rooms.relay_update, script.pk, update), robust=True)
    _settle(script, text, actor=actor, screenplay=screenplay)
    return True


@transaction.atomic
def script_text_settled(*, script_id: int) -> bool:
    """Collaborators paused: bring ``Script.fountain`` (and what is parsed from it) up to the document.

    Every process with the script open calls this; the row lock and the comparison make all but the
    first do nothing.
    """
    script = Script.objects.select_for_update().filter(pk=script_id).first()
    if script is None:
        return False
    text = collab.doc_text(collab.load_doc(script_id))
    if text == script.fountain:
        return False
    last = ScriptUpdate.objects.filter(script_id=script_id).order_by("-id").select_related("author").first()
    actor = last.author if last else None
    if actor is not None and not permissions.can(role_of(user=actor, project=script.project), Capability.EDIT_SCRIPT):
        actor = None  # the edit was allowed when it was made; its author has since left: the studio settles it
    _settle(script, text, actor=actor)
    events.publish(events.ScriptUpdated(
        project_id=script.project_id, actor=UserRef.of(actor) if actor else None, script=ScriptData.of(script),
        changed=["fountain"],
    ))
    return True


def scripts_settle_pending() -> list[int]:
    """Settle every script whose log holds an edit made after its last settle: the process that stored the edit
    died before its room settled it (a crash, a kill), which left its text, scenes and board behind the shared
    document. Run as a process starts (``recovery``); a room opening on a script does the same for its own.
    Returns the ids of the scripts it brought up to date."""
    pending = (Script.objects.filter(updates__created_at__gte=F("updated_at"))
               .order_by("pk").values_list("pk", flat=True).distinct())
    return [pk for pk in pending if script_text_settled(script_id=pk)]


def settled_text(script_id: int) -> str | None:
    """The script's text as of its last settle (None: no such script)."""
    return Script.objects.filter(pk=script_id).values_list("fountain", flat=True).first()


def _settle(script: Script, text: str, *, actor, screenplay=None) -> None:
    """The text is the script's now: store it with its cues (so that settling another script need not parse this
    one), and bring its scenes and suggested characters in step (``screenplay``: the text, already parsed).

    A text already in the shared document with more scene headings than ``STUDIO_MAX_SCENES_PER_SCRIPT`` (a live
    edit; writes through the services are refused before, ``_set_text``) is stored, and its scenes stay as they
    were until the script is back under the cap."""
    from .fountain import parse
    from .sync import cues_of, sync_characters, sync_scenes

    screenplay = screenplay or parse(text)
    over_cap = _scene_count(screenplay) > settings.STUDIO_MAX_SCENES_PER_SCRIPT
    script.fountain = text
    script.cues = script.cues if over_cap else cues_of(screenplay)
    script.save(update_fields=["fountain", "cues", "updated_at"])
    if over_cap:
        log.warning("script %s has more scenes than STUDIO_MAX_SCENES_PER_SCRIPT: its scenes are left as they were",
                    script.pk)
        return
    sync_scenes(script, screenplay, actor=actor)
    sync_characters(script, actor=actor)


def _scene_count(screenplay) -> int:
    return sum(element.kind == "scene_heading" for element in screenplay.elements)


def _check_scene_cap(screenplay) -> None:
    """A script holds at most ``STUDIO_MAX_SCENES_PER_SCRIPT`` scenes."""
    cap, count = settings.STUDIO_MAX_SCENES_PER_SCRIPT, _scene_count(screenplay)
    if count > cap:
        raise ValidationError({"fountain": [
            f"This script would have {count:,} scenes; a script holds at most {cap:,} "
            f"(STUDIO_MAX_SCENES_PER_SCRIPT). Split it into several scripts."]})


@transaction.atomic
def script_delete(*, actor, script: Script) -> None:
    """Delete a script with its scenes; not one whose scenes have shots, nor the project's last script."""
    authorize(actor=actor, project=script.project, capability=Capability.EDIT_SCRIPT)
    Project.objects.select_for_update().get(pk=script.project_id)
    if Script.objects.filter(project_id=script.project_id).count() == 1:
        raise Conflict("A project keeps at least one script; this is its last.")
    shots = script.scenes.aggregate(n=Count("shots"))["n"]  # the shots app hangs its shots on scenes
    if shots:
        raise Conflict(f"This script's scenes have {shots} shot(s); delete or move them before the script.")
    event = events.ScriptDeleted(project_id=script.project_id, actor=UserRef.of(actor), id=script.pk)
    script.delete()
    events.publish(event)


# --- Scenes ---------------------------------------------------------------


class SceneChanges(TypedDict, total=False):
    number: str
    int_ext: str
    location: str
    time_of_day: str
    synopsis: str


SCENE_FIELDS = ("number", "int_ext", "location", "time_of_day", "synopsis")


def _next_scene_number(script: Script) -> str:
    numbers = [int(m.group()) for n in script.scenes.values_list("number", flat=True) if (m := re.match(r"\d+", n))]
    return str(max(numbers, default=0) + 1)


def normalise_int_ext(value: str) -> str:
    """``int.`` → ``INT``, ``INT./EXT.`` → ``INT/EXT``: the heading's spelling to the stored choice."""
    return value.strip().upper().replace(".", "")


def _normalise_scene(changes: dict) -> dict:
    out = dict(changes)
    for name in ("number", "location", "time_of_day"):
        if isinstance(out.get(name), str):
            out[name] = out[name].strip()
    if isinstance(out.get("time_of_day"), str):
        out["time_of_day"] = out["time_of_day"].upper()
    if isinstance(out.get("int_ext"), str):
        out["int_ext"] = normalise_int_ext(out["int_ext"])
    return out


def _check_scene_number_free(scene: Scene) -> None:
    taken = Scene.objects.filter(script_id=scene.script_id, number=scene.number).exclude(pk=scene.pk).exists()
    if taken:
        raise ValidationError({"number": [f"Scene {scene.number} already exists in this script."]})


@transaction.atomic
def scene_create(*, actor, script: Script, location: str, number: str = "", int_ext: str = Scene.IntExt.INT,
                 time_of_day: str = "", synopsis: str = "") -> Scene:
    """Add a scene at the end of the script; without a number it gets the next whole number."""
    authorize(actor=actor, project=script.project, capability=Capability.EDIT_SCRIPT)
    Script.objects.select_for_update().get(pk=script.pk)  # serialize numbering and ordering per script
    _check_room_for_a_scene(script)
    fields = _normalise_scene(dict(number=number, int_ext=int_ext, location=location, time_of_day=time_of_day,
                                   synopsis=synopsis))
    if not fields["number"]:
        fields["number"] = _next_scene_number(script)
    last = script.scenes.aggregate(m=Max("order"))["m"]
    scene = Scene(project_id=script.project_id, script=script, order=0 if last is None else last + 1, **fields)
    validate(scene, exclude=["project", "script"])
    _check_scene_number_free(scene)
    scene.save()
    events.publish(events.SceneCreated(project_id=scene.project_id, actor=UserRef.of(actor), scene=SceneData.of(scene)))
    return scene


def _check_room_for_a_scene(script: Script) -> None:
    cap = settings.STUDIO_MAX_SCENES_PER_SCRIPT
    if script.scenes.count() >= cap:
        raise ValidationError({"script": [
            f"This script has {cap:,} {noun(cap, 'scene')}, the most a script may have "
            "(STUDIO_MAX_SCENES_PER_SCRIPT)."]})


HEADING_FIELDS = ("number", "int_ext", "location", "time_of_day")


@transaction.atomic
def scene_update(*, actor, scene: Scene, expected_version: int | None, changes: SceneChanges) -> Scene:
    """Edit a scene. A scene from the script keeps its heading in the script: a new heading rewrites
    that line of the script (which every open editor receives), and the scene follows from it."""
    authorize(actor=actor, project=scene.project, capability=Capability.EDIT_SCRIPT)
    if scene.in_script:  # lock order, as when the script settles: script, then its scenes
        script = Script.objects.select_for_update().get(pk=scene.script_id)
    scene = lock_current(Scene.objects, pk=scene.pk, kind="scene", expected=expected_version)
    changes = _normalise_scene(changes)
    heading_changes = {k: v for k, v in changes.items() if k in HEADING_FIELDS and getattr(scene, k) != v}
    if scene.in_script and heading_changes:
        if scene.omitted:
            raise Conflict(f"Scene {scene.number} is no longer in the script; its heading can't change.")
        _rewrite_heading(script, scene, {**{k: getattr(scene, k) for k in HEADING_FIELDS}, **heading_changes},
                         actor=actor)
        scene.refresh_from_db()
        changes = {k: v for k, v in changes.items() if k not in HEADING_FIELDS}
    changed = apply_changes(scene, changes, allowed=SCENE_FIELDS)
    if changed:
        validate(scene, exclude=["project", "script"])
        if not scene.in_script:
            _check_scene_number_free(scene)
        scene.version += 1
        scene.save()
        events.publish(events.SceneUpdated(
            project_id=scene.project_id, actor=UserRef.of(actor), scene=SceneData.of(scene), changed=changed,
        ))
    return scene


def _rewrite_heading(script: Script, scene: Scene, parts: dict, *, actor) -> None:
    probe = Scene(int_ext=parts["int_ext"], location=parts["location"], time_of_day=parts["time_of_day"])
    heading = probe.heading or parts["location"].upper()
    if parts["number"] != scene.number:
        heading += f" #{parts['number']}#"
    lines = script.fountain.split("\n")
    recorded = scene.source.partition("\n")[0]
    if scene.line is None or scene.line >= len(lines) or recorded not in lines[scene.line]:
        raise Conflict("The script changed under this scene; reload and edit its heading again.")
    if not re.match(r"(?i)(int|ext|est|i/e)[. /]", heading):
        heading = "." + heading  # a heading without INT./EXT. is forced with a leading dot
    lines[scene.line] = heading
    _set_text(script, "\n".join(lines), actor=actor)


@transaction.atomic
def scene_delete(*, actor, scene: Scene, expected_version: int | None) -> None:
    authorize(actor=actor, project=scene.project, capability=Capability.EDIT_SCRIPT)
    scene = lock_current(Scene.objects, pk=scene.pk, kind="scene", expected=expected_version)
    if scene.in_script and not scene.omitted:
        raise Conflict(f"Scene {scene.number} is in the script: take it out of the script and it leaves the board.")
    shots = scene.shots.count()
    if shots:
        raise Conflict(f"Scene {scene.number} has {shots} shot(s); delete or move them before the scene.")
    event = events.SceneDeleted(project_id=scene.project_id, actor=UserRef.of(actor), id=scene.pk,
                                script=scene.script_id)
    script_id = scene.script_id
    scene.delete()
    _compact_scene_order(script_id)
    events.publish(event)


def _compact_scene_order(script_id: int) -> None:
    """Number the script's scenes 0, 1, 2… in their order: one read, at most one UPDATE."""
    rows = Scene.objects.filter(script_id=script_id).order_by("order", "id").values_list("pk", "order")
    write_scene_order([pk for pk, _ in rows], now=dict(rows))


def write_scene_order(ids: list[int], *, now: dict[int, int]) -> None:
    """Give the scenes ``ids`` the places 0, 1, 2… in this order: one UPDATE of those whose place in ``now``
    (id → order, as read under the script's lock) differs."""
    changed = [Scene(pk=pk, order=index) for index, pk in enumerate(ids) if now.get(pk) != index]
    if changed:
        Scene.objects.bulk_update(changed, ["order"])


@transaction.atomic
def scenes_reorder(*, actor, script: Script, scene_ids: list[int]) -> list[int]:
    """Put the script's scenes in the given order (the complete list of its scene ids)."""
    authorize(actor=actor, project=script.project, capability=Capability.EDIT_SCRIPT)
    Script.objects.select_for_update().get(pk=script.pk)
    rows = list(Scene.objects.filter(script=script).order_by("order", "id").values_list("pk", "order"))
    current = [pk for pk, _ in rows]
    check_complete_order(field="scenes", proposed=scene_ids, current=current, kind="scenes")
    scripted = set(Scene.objects.filter(script=script, in_script=True, omitted=False).values_list("pk", flat=True))
    if [pk for pk in scene_ids if pk in scripted] != [pk for pk in current if pk in scripted]:
        raise Conflict("Scenes from the script follow the script's order: move the scene in the script.")
    if scene_ids != current:
        write_scene_order(scene_ids, now=dict(rows))
        events.publish(events.ScenesReordered(
            project_id=script.project_id, actor=UserRef.of(actor), script=script.pk, scenes=list(scene_ids),
        ))
    return list(scene_ids)


# --- Revisions ------------------------------------------------------------


def current_text(script: Script) -> str:
    """The script's text as of its last stored edit (fresher than ``fountain`` while edits settle)."""
    return collab.doc_text(collab.load_doc(script.pk))


@transaction.atomic
def revision_create(*, actor, script: Script, name: str, color: str = "") -> ScriptRevision:
    """Keep the script as it is now under a name."""
    authorize(actor=actor, project=script.project, capability=Capability.EDIT_SCRIPT)
    revision = ScriptRevision(script=script, name=(name or "").strip(), color=color, created_by=actor)
    validate(revision, exclude=["script", "created_by", "text"])
    revision.text = current_text(script)
    revision.save()
    events.publish(events.RevisionCreated(project_id=script.project_id, actor=UserRef.of(actor),
                                          revision=RevisionData.of(revision)))
    return revision


@transaction.atomic
def revision_restore(*, actor, revision: ScriptRevision) -> ScriptRevision:
    """Make the script read as the revision again, as a new edit that every open editor receives.

    What the script said just before is kept as a revision of its own, so a restore loses nothing.
    """
    script = revision.script
    authorize(actor=actor, project=script.project, capability=Capability.EDIT_SCRIPT)
    script = Script.objects.select_for_update().get(pk=script.pk)
    before = current_text(script)
    if before == revision.text:
        return revision
    saved = ScriptRevision.objects.create(script=script, name=f"Before restoring “{revision.name}”"[:120],
                                          text=before, created_by=actor)
    events.publish(events.RevisionCreated(project_id=script.project_id, actor=UserRef.of(actor),
                                          revision=RevisionData.of(saved)))
    _set_text(script, revision.text, actor=actor)
    events.publish(events.RevisionRestored(project_id=script.project_id, actor=UserRef.of(actor),
                                           revision=RevisionData.of(revision)))
    events.publish(events.ScriptUpdated(project_id=script.project_id, actor=UserRef.of(actor),
                                        script=ScriptData.of(script), changed=["fountain"]))
    return revision


@transaction.atomic
def revision_delete(*, actor, revision: ScriptRevision) -> None:
    authorize(actor=actor, project=revision.script.project, capability=Capability.EDIT_SCRIPT)
    event = events.RevisionDeleted(project_id=revision.script.project_id, actor=UserRef.of(actor),
                                   id=revision.pk, script=revision.script_id)
    revision.delete()
    events.publish(event)


# --- Import and export ------------------------------------------------------


MAX_IMPORT_BYTES = 2 * 1024 * 1024


def _read_upload(upload) -> tuple[str, str]:
    """(Fountain text, suggested title) from an uploaded .fountain or .fdx file."""
    from .fountain import read_fdx

    name = getattr(upload, "name", "") or "script"
    size = getattr(upload, "size", 0) or 0
    if size == 0:
        raise ValidationError({"file": ["The file is empty."]})
    if size > MAX_IMPORT_BYTES:
        raise ValidationError({"file": [f"The file is {size:,} bytes; the limit is {MAX_IMPORT_BYTES:,}."]})
    data = upload.read()
    stem, _, extension = name.rpartition(".")
    extension = extension.lower()
    if extension == "fdx" or data.lstrip()[:5] in (b"<?xml", b"<Fina"):
        try:
            from .fountain import write_fountain

            screenplay = read_fdx(data)
        except ValueError as exc:
            raise ValidationError({"file": [f"This is not a Final Draft file Previz Studio can read: {exc}"]}) from None
        text = write_fountain(screenplay)
    elif extension in ("fountain", "spmd", "txt", "md"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise ValidationError({"file": ["The file is not UTF-8 text."]}) from None
        if "\x00" in text:
            raise ValidationError({"file": ["The file is not a text file."]})
    else:
        raise ValidationError({"file": ["Import a Fountain (.fountain) or Final Draft (.fdx) file."]})
    from .fountain import parse

    title = parse(text).title() or stem or name
    return text.replace("\r\n", "\n").replace("\r", "\n"), title[:200]


@transaction.atomic
def script_import(*, actor, project: Project, upload, title: str = "") -> Script:
    """A Fountain or Final Draft file becomes a new script of the project, parsed into scenes."""
    authorize(actor=actor, project=project, capability=Capability.EDIT_SCRIPT)
    text, found_title = _read_upload(upload)
    return script_create(actor=actor, project=project, title=(title or "").strip() or found_title, fountain=text)


def script_export(*, script: Script, fmt: str, scene_numbers: bool = False) -> tuple[bytes, str, str]:
    """(content, media type, file name) of the script as it is now, in ``fmt``: fountain, fdx or pdf."""
    from .fountain import parse, render_pdf, write_fdx

    text = current_text(script)
    stem = re.sub(r"[^\w\- ]+", "", script.title).strip().replace(" ", "-") or "script"
    if fmt == "fountain":
        return text.encode(), "text/plain; charset=utf-8", f"{stem}.fountain"
    if fmt == "fdx":
        return write_fdx(parse(text)), "application/xml", f"{stem}.fdx"
    if fmt == "pdf":
        pdf = render_pdf(parse(text), scene_numbers=scene_numbers, title=script.project.title,
                         made=timezone.localdate())  # a title page's own title and author come first
        return pdf, "application/pdf", f"{stem}.pdf"
    raise ValidationError({"as": ["Choose fountain, fdx or pdf."]})

"""Keeping Scene rows and suggested characters in step with the script's text.

Called in the transaction that settles a script's text (``services._settle``), with the script row
locked. Scenes parsed from the script keep their identity through edits (``reconcile.match``); one
taken out of the script (its heading deleted, whatever became of its text) is deleted, or, if it has
shots, kept as omitted with its shots orphaned: a script edit never moves a shot to another scene.
Cue names that are nobody in the cast become suggested characters, through the cast's own service.
Every change is published as the usual scene and character events.
"""

from __future__ import annotations

from django.db.models import Count

from studio.cast import services as cast_services
from studio.live.events import UserRef

from . import events, reconcile
from .events import SceneData, ScenesReordered
from .fountain import SceneBlock, Screenplay
from .models import Scene, Script
from .services import write_scene_order

INT_EXT = {"INT": Scene.IntExt.INT, "EXT": Scene.IntExt.EXT, "INT/EXT": Scene.IntExt.INT_EXT}


def _source(block: SceneBlock) -> str:
    return f"{block.heading}\n{block.body}"


def _split(source: str) -> tuple[str, str]:
    heading, _, body = source.partition("\n")
    return heading, body


def _fields(block: SceneBlock, position: int) -> dict:
    return {
        "number": (block.number or str(position + 1))[:8],
        "int_ext": INT_EXT.get(block.int_ext, Scene.IntExt.NONE),
        "location": (block.location or block.heading)[:200],
        "time_of_day": block.time_of_day[:40],
        "line": block.line,
        "source": _source(block),
    }


VISIBLE = ("number", "int_ext", "location", "time_of_day", "omitted")


def sync_scenes(script: Script, screenplay: Screenplay, *, actor) -> None:
    blocks = screenplay.scenes()
    ref = UserRef.of(actor) if actor else None
    existing = list(Scene.objects.select_for_update().filter(script=script, in_script=True).order_by("order", "id"))
    shot_counts = dict(Scene.objects.filter(script=script, in_script=True).annotate(n=Count("shots"))
                       .values_list("pk", "n"))  # PostgreSQL allows no GROUP BY in a FOR UPDATE query
    for scene in existing:
        scene.shot_count = shot_counts.get(scene.pk, 0)
    by_id = {s.pk: s for s in existing}
    old = [reconcile.Old(id=s.pk, heading=_split(s.source)[0] if s.source else s.heading,
                         body=_split(s.source)[1], position=i) for i, s in enumerate(existing)]
    new = [reconcile.New(heading=b.heading, body=b.body, position=i) for i, b in enumerate(blocks)]
    matching = reconcile.match(old, new)

    scripted: list[Scene] = []
    for position, block in enumerate(blocks):
        fields = _fields(block, position)
        scene = by_id.get(matching.kept.get(position))
        if scene is None:
            scene = Scene.objects.create(project_id=script.project_id, script=script, in_script=True, order=0,
                                         **fields)
            events.publish(events.SceneCreated(project_id=script.project_id, actor=ref, scene=SceneData.of(scene)))
        else:
            changed = [name for name in VISIBLE if getattr(scene, name) != fields.get(name, False)]
            for name, value in {**fields, "omitted": False}.items():
                setattr(scene, name, value)
            if changed:
                scene.version += 1
            scene.save()
            if changed:
                events.publish(events.SceneUpdated(project_id=script.project_id, actor=ref,
                                                   scene=SceneData.of(scene), changed=changed))
        scripted.append(scene)

    # A scene whose text now sits inside another (its heading was deleted) is gone from the script like any
    # other: its shots stay its own, orphaned, and are never moved into a neighbour by a script edit.
    omitted = []
    for old_id in sorted([*matching.gone, *matching.merged], key=lambda pk: by_id[pk].order):
        scene = by_id[old_id]
        if scene.shot_count and not scene.omitted:
            scene.omitted = True
            scene.version += 1
            scene.save(update_fields=["omitted", "version", "updated_at"])
            events.publish(events.SceneUpdated(project_id=script.project_id, actor=ref, scene=SceneData.of(scene),
                                               changed=["omitted"]))
        if scene.shot_count:
            omitted.append(scene)
        else:
            _delete_scene(scene, ref)
    _reorder(script, scripted + omitted, ref)


def _delete_scene(scene: Scene, ref) -> None:
    event = events.SceneDeleted(project_id=scene.project_id, actor=ref, id=scene.pk, script=scene.script_id)
    scene.delete()
    events.publish(event)


def _reorder(script: Script, ordered: list[Scene], ref) -> None:
    """Scripted scenes in script order, omitted ones after them, board-made ones last (in their order)."""
    rows = list(Scene.objects.filter(script=script).order_by("order", "id").values_list("pk", "order", "in_script"))
    final = [s.pk for s in ordered] + [pk for pk, _, in_script in rows if not in_script]
    current = [pk for pk, _, _ in rows]
    write_scene_order(final, now={pk: order for pk, order, _ in rows})  # one UPDATE, however many scenes moved
    if final != current:
        events.publish(ScenesReordered(project_id=script.project_id, actor=ref, script=script.pk, scenes=final))


def cues_of(screenplay: Screenplay) -> list[str]:
    """The script's character cues, each as first written (McCLANE stays McCLANE), in order of appearance."""
    written = {}
    for element in screenplay.elements:
        if element.kind == "character" and element.name:
            written.setdefault(element.name.casefold(), element.name)
    return [written.get(info.name.casefold(), info.name) for info in screenplay.characters()]


def sync_characters(script: Script, *, actor) -> None:
    """The cast keeps its suggestions in step with the cues of every script (``cast.services``): this script's
    ``cues``, just stored, and those the others stored when they settled (one query, nothing parsed again)."""
    in_use = {cue.casefold() for cue in script.cues} | _cues_of_other_scripts(script)
    cast_services.suggestions_sync(actor=actor, project=script.project, cues=list(script.cues), in_use=in_use)


def _cues_of_other_scripts(script: Script) -> set[str]:
    others = Script.objects.filter(project_id=script.project_id).exclude(pk=script.pk)
    return {cue.casefold() for cues in others.values_list("cues", flat=True) for cue in cues}

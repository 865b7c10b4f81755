"""Keeping Scene rows and suggested characters in step with the script's text.

Called in the transaction that settles a script's text (``services._settle``), with the script row
locked. Scenes parsed from the script keep their identity through edits (``reconcile.match``); one
taken out of the script (its heading deleted, whatever became of its text) is deleted, or, if it has
shots or a synopsis, kept as omitted with its shots orphaned until its heading comes back: a script edit never
moves a shot to another scene, nor renumbers one.
Cue names that are nobody in the cast become suggested characters, through the cast's own service.
One settle publishes one ``scenes.synced`` event with every scene it created, changed, orphaned or removed and
the script's new scene order (a paste of a hundred scenes is one event, not a hundred); characters publish their
usual events.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Count
from django.utils import timezone

from studio.cast import services as cast_services
from studio.live.events import UserRef

from . import events, reconcile
from .events import SceneData
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
STORED = ("number", "int_ext", "location", "time_of_day", "line", "source", "omitted", "version", "updated_at")


@dataclass
class _Batch:
    """What one settle did to the script's scenes, published as one ``scenes.synced`` event."""

    created: list[Scene] = field(default_factory=list)
    changed: list[Scene] = field(default_factory=list)
    orphaned: list[Scene] = field(default_factory=list)
    removed: list[int] = field(default_factory=list)
    stored: list[Scene] = field(default_factory=list)  # old rows to write

    def store(self, scene: Scene) -> None:
        scene.updated_at = timezone.now()  # bulk_update leaves auto_now fields alone
        self.stored.append(scene)

    def __bool__(self) -> bool:
        return bool(self.created or self.changed or self.orphaned or self.removed)


def sync_scenes(script: Script, screenplay: Screenplay, *, actor) -> None:
    blocks = screenplay.scenes()
    existing = _scripted_scenes(script)
    by_id = {s.pk: s for s in existing}
    old = [reconcile.Old(id=s.pk, heading=_split(s.source)[0] if s.source else s.heading,
                         body=_split(s.source)[1], position=i) for i, s in enumerate(existing)]
    new = [reconcile.New(heading=b.heading, body=b.body, position=i) for i, b in enumerate(blocks)]
    matching = reconcile.match(old, new)

    batch = _Batch()
    scripted = [_place(script, block, position, by_id.get(matching.kept.get(position)), batch)
                for position, block in enumerate(blocks)]
    Scene.objects.bulk_create(batch.created)
    # A scene gone from the script (its heading deleted, whatever became of its text) keeps what is its own, shots
    # or synopsis, as an omitted scene, ready for its heading to come back; its shots are never handed to another.
    kept_out = []
    for old_id in sorted(matching.gone, key=lambda pk: by_id[pk].order):
        scene = by_id[old_id]
        if not (scene.shot_count or scene.synopsis):
            batch.removed.append(scene.pk)
            continue
        if not scene.omitted:
            scene.omitted, scene.version = True, scene.version + 1
            batch.store(scene)
            batch.orphaned.append(scene)
        kept_out.append(scene)
    Scene.objects.bulk_update(batch.stored, STORED)
    Scene.objects.filter(pk__in=batch.removed).delete()
    order, reordered = _reorder(script, scripted + kept_out)
    if batch or reordered:
        events.publish(_synced_event(script, batch, order, actor))


def _scripted_scenes(script: Script) -> list[Scene]:
    """The script's scenes from its text (omitted ones included), locked, each with its ``shot_count``."""
    existing = list(Scene.objects.select_for_update().filter(script=script, in_script=True).order_by("order", "id"))
    shot_counts = dict(Scene.objects.filter(script=script, in_script=True).annotate(n=Count("shots"))
                       .values_list("pk", "n"))  # PostgreSQL allows no GROUP BY in a FOR UPDATE query
    for scene in existing:
        scene.shot_count = shot_counts.get(scene.pk, 0)
    return existing


def _place(script: Script, block: SceneBlock, position: int, scene: Scene | None, batch: _Batch) -> Scene:
    """The scene at ``position`` of the text: its old row brought up to the block (back in the script if it was
    omitted), or a new row (saved by the caller, with the others)."""
    fields = _fields(block, position)
    if scene is None:
        scene = Scene(project_id=script.project_id, script=script, in_script=True, order=0, **fields)
        batch.created.append(scene)
        return scene
    fields["omitted"] = False
    if all(getattr(scene, name) == value for name, value in fields.items()):
        return scene
    visible = any(getattr(scene, name) != fields[name] for name in VISIBLE)
    for name, value in fields.items():
        setattr(scene, name, value)
    if visible:
        scene.version += 1
        batch.changed.append(scene)
    batch.store(scene)
    return scene


def _reorder(script: Script, ordered: list[Scene]) -> tuple[list[int], bool]:
    """Scripted scenes in script order, omitted ones after them, board-made ones last (in their order): the
    script's scene ids in their new order, and whether it changed."""
    rows = list(Scene.objects.filter(script=script).order_by("order", "id").values_list("pk", "order", "in_script"))
    final = [s.pk for s in ordered] + [pk for pk, _, in_script in rows if not in_script]
    current = [pk for pk, _, _ in rows]
    write_scene_order(final, now={pk: order for pk, order, _ in rows})  # one UPDATE, however many scenes moved
    for index, scene in enumerate(ordered):
        scene.order = index
    return final, final != current


def _synced_event(script: Script, batch: _Batch, order: list[int], actor) -> events.ScenesSynced:
    def data(scenes):
        return [SceneData.of(scene) for scene in scenes]

    return events.ScenesSynced(
        project_id=script.project_id, actor=UserRef.of(actor) if actor else None, script=script.pk,
        created=data(batch.created), changed=data(batch.changed), orphaned=data(batch.orphaned),
        removed=batch.removed, order=order,
    )


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

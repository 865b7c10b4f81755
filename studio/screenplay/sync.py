"""Keeping Scene rows and suggested characters in step with the script's text.

Called in the transaction that settles a script's text (``services._settle``), with the script row
locked. Scenes parsed from the script keep their identity through edits (``reconcile.match``); one
taken out of the script is deleted, or, if it has shots, kept as omitted with its shots orphaned; one
merged into another hands its shots over. Cue names that are nobody in the cast become suggested
characters. Every change is published as the usual scene and character events.
"""

from __future__ import annotations

from django.db.models import Count

from studio.cast.models import Character, DismissedCue
from studio.live import events
from studio.live.events import CharacterData, SceneData, ScenesReordered, UserRef

from . import reconcile
from .fountain import SceneBlock, Screenplay
from .models import Scene, Script

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

    for old_id, position in matching.merged.items():
        _hand_over_shots(by_id[old_id], scripted[position], actor=actor)
    omitted = []
    for old_id in matching.gone:
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


def _hand_over_shots(source: Scene, target: Scene, *, actor) -> None:
    """A scene merged into another: its shots follow its text, after the target's own."""
    from studio.shots.services import reorder_shots

    moving = list(source.shots.order_by("order", "id").values_list("pk", flat=True))
    if moving:
        staying = list(target.shots.order_by("order", "id").values_list("pk", flat=True))
        reorder_shots(actor=actor, scene=target, shot_ids=staying + moving)
    _delete_scene(source, UserRef.of(actor) if actor else None)


def _delete_scene(scene: Scene, ref) -> None:
    event = events.SceneDeleted(project_id=scene.project_id, actor=ref, id=scene.pk, script=scene.script_id)
    scene.delete()
    events.publish(event)


def _reorder(script: Script, ordered: list[Scene], ref) -> None:
    """Scripted scenes in script order, omitted ones after them, board-made ones last (in their order)."""
    manual = list(Scene.objects.filter(script=script, in_script=False).order_by("order", "id"))
    final = [s.pk for s in ordered] + [s.pk for s in manual]
    current = list(Scene.objects.filter(script=script).order_by("order", "id").values_list("pk", flat=True))
    orders = dict(Scene.objects.filter(script=script).values_list("pk", "order"))
    for index, pk in enumerate(final):
        if orders.get(pk) != index:
            Scene.objects.filter(pk=pk).update(order=index)
    if final != current:
        events.publish(ScenesReordered(project_id=script.project_id, actor=ref, script=script.pk, scenes=final))


def _display_name(cue: str) -> str:
    """ELIN → Elin, THE STRANGER → The Stranger; a cue written in mixed case (McCLANE) stays as it is."""
    return cue.title() if cue.isupper() else cue


def sync_characters(script: Script, screenplay: Screenplay, *, actor) -> None:
    """Cues that name nobody in the cast become suggested characters; suggestions whose cue is gone go."""
    project_id = script.project_id
    ref = UserRef.of(actor) if actor else None
    cast = list(Character.objects.filter(project_id=project_id))
    known = {name.casefold(): c for c in cast for name in c.names}
    dismissed = {n.casefold() for n in DismissedCue.objects.filter(project_id=project_id).values_list("name",
                                                                                                       flat=True)}
    written = {}  # each cue as first written (McCLANE stays McCLANE)
    for element in screenplay.elements:
        if element.kind == "character" and element.name:
            written.setdefault(element.name.casefold(), element.name)
    cues = {info.name.casefold(): written.get(info.name.casefold(), info.name) for info in screenplay.characters()}
    used_colors = [c.color for c in cast]
    for key, cue in cues.items():
        if key in known or key in dismissed:
            continue
        from studio.cast.services import next_color_after

        character = Character.objects.create(project_id=project_id, name=_display_name(cue)[:120], suggested=True,
                                             color=next_color_after(used_colors))
        used_colors.append(character.color)
        known[key] = character
        events.publish(events.CharacterCreated(project_id=project_id, actor=ref,
                                               character=CharacterData.of(character)))
    other_cues = _cues_of_other_scripts(script)
    for character in cast:
        if not character.suggested or any(n.casefold() in cues or n.casefold() in other_cues for n in character.names):
            continue
        if character.shots.exists():
            continue
        event = events.CharacterDeleted(project_id=project_id, actor=ref, id=character.pk, name=character.name)
        character.delete()
        events.publish(event)


def _cues_of_other_scripts(script: Script) -> set[str]:
    from .fountain import parse

    names = set()
    for text in Script.objects.filter(project_id=script.project_id).exclude(pk=script.pk).values_list("fountain",
                                                                                                      flat=True):
        names |= {info.name.casefold() for info in parse(text).characters()}
    return names

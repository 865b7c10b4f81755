"""Writes to characters and their reference images."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TypedDict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from studio.core.concurrency import lock_current
from studio.core.errors import Conflict
from studio.core.files import delete_files, delete_files_on_commit
from studio.core.images import clean_image_upload
from studio.core.services import apply_changes, validate
from studio.core.words import title_case
from studio.live.events import UserRef
from studio.projects.access import authorize
from studio.projects.models import Project
from studio.projects.permissions import Capability

from . import events
from .events import CharacterData
from .models import CHARACTER_COLORS, Character, DismissedCue, ReferenceImage

MAX_ALIASES = 20


class CharacterChanges(TypedDict, total=False):
    name: str
    aliases: list[str]
    description: str
    appearance_prompt: str
    seed: int
    color: str
    voice: str
    voice_speed: int


CHARACTER_FIELDS = ("name", "aliases", "description", "appearance_prompt", "seed", "color", "voice",
                    "voice_speed")


def _clean_aliases(aliases, name: str) -> list[str]:
    if aliases is None:
        return []
    if not isinstance(aliases, (list, tuple)) or not all(isinstance(a, str) for a in aliases):
        raise ValidationError({"aliases": ["Send aliases as a list of names."]})
    seen, out = {name.casefold()}, []
    for alias in (a.strip() for a in aliases):
        if not alias or alias.casefold() in seen:
            continue
        if len(alias) > 120:
            raise ValidationError({"aliases": [f"'{alias[:20]}…' is longer than 120 characters."]})
        seen.add(alias.casefold())
        out.append(alias)
    if len(out) > MAX_ALIASES:
        raise ValidationError({"aliases": [f"A character can have at most {MAX_ALIASES} aliases."]})
    return out


def _check_names_free(character: Character) -> None:
    """No two characters of a project may answer to the same name or alias."""
    others = Character.objects.filter(project_id=character.project_id).exclude(pk=character.pk)
    taken = {}
    for other in others.only("name", "aliases"):
        for n in other.names:
            taken[n.casefold()] = other.name
    if character.name.casefold() in taken:
        raise ValidationError({"name": [f"{taken[character.name.casefold()]} already goes by '{character.name}'."]})
    for alias in character.aliases:
        if alias.casefold() in taken:
            raise ValidationError({"aliases": [f"{taken[alias.casefold()]} already goes by '{alias}'."]})


def next_color(project: Project) -> str:
    """The first palette colour no character of the project wears yet, so the cast stays tell-apart."""
    return next_color_after(list(Character.objects.filter(project=project).values_list("color", flat=True)))


def next_color_after(used: list[str]) -> str:
    for color in CHARACTER_COLORS:
        if color not in used:
            return color
    return CHARACTER_COLORS[len(used) % len(CHARACTER_COLORS)]


def _character_data(character: Character) -> CharacterData:
    return CharacterData.of(Character.objects.prefetch_related("references").get(pk=character.pk))


@transaction.atomic
def character_create(*, actor, project: Project, name: str, aliases: list[str] | None = None,
                     description: str = "", appearance_prompt: str = "", seed: int | None = None,
                     color: str | None = None, voice: str = "", voice_speed: int = 0) -> Character:
    authorize(actor=actor, project=project, capability=Capability.EDIT_CAST)
    Project.objects.select_for_update().get(pk=project.pk)  # names are checked against the rest of the cast
    name = (name or "").strip()
    character = Character(
        project=project, name=name, aliases=_clean_aliases(aliases, name), description=description,
        appearance_prompt=appearance_prompt, color=color or next_color(project), voice=voice, voice_speed=voice_speed,
    )
    if seed is not None:
        character.seed = seed
    validate(character, exclude=["project"])
    _check_names_free(character)
    character.save()
    events.publish(events.CharacterCreated(
        project_id=project.pk, actor=UserRef.of(actor), character=_character_data(character),
    ))
    return character


@transaction.atomic
def character_update(*, actor, character: Character, expected_version: int | None,
                     changes: CharacterChanges) -> Character:
    authorize(actor=actor, project=character.project, capability=Capability.EDIT_CAST)
    Project.objects.select_for_update().get(pk=character.project_id)
    character = lock_current(Character.objects, pk=character.pk, kind="character", expected=expected_version)
    changes = dict(changes)
    if isinstance(changes.get("name"), str):
        changes["name"] = changes["name"].strip()
    if "aliases" in changes or "name" in changes:  # a new name may repeat an alias: that alias goes
        name = changes["name"] if isinstance(changes.get("name"), str) else character.name
        changes["aliases"] = _clean_aliases(changes.get("aliases", character.aliases), name)
    changed = apply_changes(character, changes, allowed=CHARACTER_FIELDS)
    if changed and character.suggested:  # someone worked on it: it is one of the cast
        character.suggested = False
        changed.append("suggested")
    if changed:
        validate(character, exclude=["project"])
        _check_names_free(character)
        character.version += 1
        character.save()
        events.publish(events.CharacterUpdated(
            project_id=character.project_id, actor=UserRef.of(actor), character=_character_data(character),
            changed=changed,
        ))
    return character


@transaction.atomic
def character_delete(*, actor, character: Character, expected_version: int | None) -> None:
    """Delete a character; shots that showed them simply no longer list them."""
    authorize(actor=actor, project=character.project, capability=Capability.EDIT_CAST)
    character = lock_current(Character.objects, pk=character.pk, kind="character", expected=expected_version)
    files = reference_files(ReferenceImage.objects.filter(character=character))
    event = events.CharacterDeleted(project_id=character.project_id, actor=UserRef.of(actor), id=character.pk,
                                    name=character.name)
    character.delete()
    delete_files_on_commit(files)
    events.publish(event)


def reference_add(*, actor, character: Character, upload, caption: str = "") -> ReferenceImage:
    """Attach a reference image after checking it is a real, reasonably sized image.

    The image is decoded before the character is locked: a large one takes seconds, and nobody else's edit of
    the character should wait on it."""
    authorize(actor=actor, project=character.project, capability=Capability.EDIT_CAST)
    _check_reference_room(character)
    clean = clean_image_upload(upload, kind="reference", max_bytes=settings.STUDIO_MAX_REFERENCE_BYTES)
    return _store_reference(actor=actor, character=character, clean=clean, caption=caption)


def _check_reference_room(character: Character) -> None:
    limit = settings.STUDIO_MAX_REFERENCES_PER_CHARACTER
    if character.references.count() >= limit:
        raise ValidationError({"image": [f"A character can have at most {limit} reference images."]})


@transaction.atomic
def _store_reference(*, actor, character: Character, clean, caption: str) -> ReferenceImage:
    character = Character.objects.select_for_update().get(pk=character.pk)
    _check_reference_room(character)  # again, under the lock: another upload may have filled the last place
    ref = ReferenceImage(character=character, width=clean.width, height=clean.height,
                         caption=(caption or "").strip(), uploaded_by=actor)
    validate(ref, exclude=["character", "image", "thumbnail", "uploaded_by"])
    ref.image.save(f"reference.{clean.extension}", clean.content, save=False)
    ref.thumbnail.save("thumbnail.jpg", clean.thumbnail, save=False)
    written = [ref.image.name, ref.thumbnail.name]
    try:
        ref.save()
        _references_changed(character, actor=actor)
    except Exception:
        delete_files(written)  # the row is not there: neither should its files be
        raise
    return ref


@transaction.atomic
def reference_delete(*, actor, reference: ReferenceImage) -> None:
    character = reference.character
    authorize(actor=actor, project=character.project, capability=Capability.EDIT_CAST)
    character = Character.objects.select_for_update().get(pk=character.pk)
    files = reference_files([reference])
    reference.delete()
    delete_files_on_commit(files)
    _references_changed(character, actor=actor)


def _references_changed(character: Character, *, actor) -> None:
    """Tell the project; the character's version is left alone, as a new reference conflicts with no edit."""
    character.save(update_fields=["updated_at"])
    events.publish(events.CharacterUpdated(
        project_id=character.project_id, actor=UserRef.of(actor), character=_character_data(character),
        changed=["references"],
    ))


def reference_files(references: Iterable[ReferenceImage]) -> list[str]:
    return [name for ref in references for name in (ref.image.name, ref.thumbnail.name) if name]


def project_reference_files(project: Project) -> list[str]:
    """The reference images of a project being deleted (``projects.hooks.project_files``)."""
    return reference_files(ReferenceImage.objects.filter(character__project=project))


@transaction.atomic
def character_confirm(*, actor, character: Character) -> Character:
    """A character suggested by a cue in the script is one of the cast now."""
    authorize(actor=actor, project=character.project, capability=Capability.EDIT_CAST)
    character = Character.objects.select_for_update().get(pk=character.pk)
    if character.suggested:
        character.suggested = False
        character.version += 1
        character.save(update_fields=["suggested", "version", "updated_at"])
        events.publish(events.CharacterUpdated(
            project_id=character.project_id, actor=UserRef.of(actor), character=_character_data(character),
            changed=["suggested"],
        ))
    return character


@transaction.atomic
def character_dismiss(*, actor, character: Character) -> None:
    """A suggested character is not one (a crowd, a radio): it goes, and its cue is not suggested again."""
    authorize(actor=actor, project=character.project, capability=Capability.EDIT_CAST)
    character = Character.objects.select_for_update().get(pk=character.pk)
    if not character.suggested:
        raise Conflict(f"{character.name} is in the cast; remove them from the cast instead.")
    DismissedCue.objects.get_or_create(project_id=character.project_id, name=character.name.upper())
    files = reference_files(ReferenceImage.objects.filter(character=character))
    event = events.CharacterDeleted(project_id=character.project_id, actor=UserRef.of(actor), id=character.pk,
                                    name=character.name)
    character.delete()
    delete_files_on_commit(files)
    events.publish(event)


# --- Suggestions from the script -----------------------------------------------------


def _display_name(cue: str) -> str:
    """ELIN → Elin, WOMAN IN GREY → Woman in Grey; a cue written in mixed case (McCLANE) stays as it is."""
    return title_case(cue) if cue.isupper() else cue


def suggestions_sync(*, actor, project: Project, cues: list[str], in_use: set[str]) -> None:
    """The script's cues that name nobody in the cast become suggested characters; suggestions whose cue no
    script uses any more (``in_use``: every cue of the project, casefolded) go, unless a shot has them.

    Called by the screenplay when a script's text settles, in its transaction: the actor is whoever made the
    last edit (None for the server's own edits), and must be allowed to change the cast when there is one.
    A cue is suggested once, under the cast's own rules (a name of at most 120 characters that no character
    answers to); a cue someone dismissed is never suggested again.
    """
    if actor is not None:
        authorize(actor=actor, project=project, capability=Capability.EDIT_CAST)
    ref = UserRef.of(actor) if actor else None
    cast = list(Character.objects.select_for_update().filter(project=project))
    known = {name.casefold() for c in cast for name in c.names}
    dismissed = {n.casefold() for n in DismissedCue.objects.filter(project=project).values_list("name", flat=True)}
    used_colors = [c.color for c in cast]
    for cue in cues:
        name = _display_name(cue.strip())[:120]
        key = name.casefold()
        if not name or key in known or cue.casefold() in known or cue.casefold() in dismissed:
            continue
        character = Character(project=project, name=name, suggested=True, color=next_color_after(used_colors))
        validate(character, exclude=["project"])
        character.save()
        used_colors.append(character.color)
        known.add(key)
        events.publish(events.CharacterCreated(project_id=project.pk, actor=ref,
                                               character=CharacterData.of(character)))
    for character in cast:
        if not character.suggested or any(n.casefold() in in_use for n in character.names):
            continue
        if character.shots.exists():
            continue
        files = reference_files(character.references.all())
        event = events.CharacterDeleted(project_id=project.pk, actor=ref, id=character.pk, name=character.name)
        character.delete()
        delete_files_on_commit(files)
        events.publish(event)

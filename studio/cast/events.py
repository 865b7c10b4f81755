"""Live events of the cast: characters and their reference images (on Live's base, ``live.events``)."""

from __future__ import annotations

from dataclasses import dataclass

from studio.live.events import Event
from studio.live.events import publish as publish  # services call events.publish(...) on their own module

from . import files


@dataclass(frozen=True, kw_only=True)
class ReferenceData:
    id: int
    url: str
    thumbnail_url: str
    width: int
    height: int
    caption: str

    @classmethod
    def of(cls, ref) -> ReferenceData:
        return cls(
            id=ref.pk, url=files.reference_url(ref), thumbnail_url=files.reference_thumbnail_url(ref),
            width=ref.width, height=ref.height, caption=ref.caption,
        )


@dataclass(frozen=True, kw_only=True)
class CharacterData:
    id: int
    name: str
    aliases: list[str]
    description: str
    appearance_prompt: str
    seed: int
    color: str
    voice: str
    voice_speed: int
    references: list[ReferenceData]
    suggested: bool
    version: int

    @classmethod
    def of(cls, character) -> CharacterData:
        return cls(
            id=character.pk, name=character.name, aliases=list(character.aliases),
            description=character.description, appearance_prompt=character.appearance_prompt,
            seed=character.seed, color=character.color, voice=character.voice, voice_speed=character.voice_speed,
            references=[ReferenceData.of(ref) for ref in character.references.all()],
            suggested=character.suggested, version=character.version,
        )


@dataclass(frozen=True, kw_only=True)
class CharacterCreated(Event):
    type = "character.created"
    character: CharacterData


@dataclass(frozen=True, kw_only=True)
class CharacterUpdated(Event):
    type = "character.updated"
    character: CharacterData
    changed: list[str]


@dataclass(frozen=True, kw_only=True)
class CharacterDeleted(Event):
    type = "character.deleted"
    id: int
    name: str

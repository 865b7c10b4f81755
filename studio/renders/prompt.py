"""From a shot to the words and seed a model is given.

The prompt is assembled from what the team already wrote: the action, how each character in the
shot looks, the scene heading, the shot's size, angle and lens in a cinematographer's words, and the
project's look, in that order (what matters most first: CLIP text encoders keep 77 tokens). Each
part is kept apart (``parts``), so the generation panel can show where every phrase came from, and
the whole stays editable before it is submitted.

Consistency across shots: a shot's seed is its lead character's fixed seed (the first character in
the shot), so the same person is drawn from the same noise in every shot; a shot with no character
gets a seed derived from the shot itself, stable from one try to the next. Where the model has an
IP-Adapter, the characters' reference images go with the request too.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from studio.shots.models import Shot

NEGATIVE = "blurry, out of focus, low quality, deformed hands, extra limbs, watermark, text, signature, frame border"

SIZES = {
    "ECU": "extreme close-up",
    "CU": "close-up",
    "MCU": "medium close-up",
    "MS": "medium shot",
    "MLS": "medium long shot",
    "LS": "long shot, full figure",
    "ELS": "extreme long shot, wide establishing view",
}
ANGLES = {
    "eye_level": "eye-level camera",
    "high": "high angle looking down",
    "low": "low angle looking up",
    "overhead": "overhead top-down view",
    "dutch": "dutch tilt, canted frame",
    "worms_eye": "worm's-eye view from the ground",
    "over_shoulder": "over-the-shoulder shot",
    "pov": "point-of-view shot",
}
MOVES = {
    "static": "",
    "pan": "camera pans",
    "tilt": "camera tilts",
    "dolly_in": "slow dolly in",
    "dolly_out": "slow dolly out",
    "truck": "camera trucks sideways",
    "pedestal": "camera rises",
    "zoom_in": "zoom in",
    "zoom_out": "zoom out",
    "tracking": "tracking shot",
    "crane": "crane shot",
    "handheld": "handheld camera",
    "steadicam": "steadicam glide",
    "aerial": "aerial drone shot",
}
INT_EXT = {"INT": "interior", "EXT": "exterior", "INT/EXT": "interior and exterior"}


def lens_words(mm: int) -> str:
    if mm < 20:
        return f"{mm}mm ultra-wide lens"
    if mm < 35:
        return f"{mm}mm wide-angle lens"
    if mm <= 60:
        return f"{mm}mm lens"
    if mm < 135:
        return f"{mm}mm portrait telephoto lens, shallow depth of field"
    return f"{mm}mm long telephoto lens, compressed perspective"


@dataclass(frozen=True)
class Part:
    source: str  # where it came from: "style", "scene", "camera", "action", "character:<id>"
    label: str
    text: str


@dataclass(frozen=True)
class Assembled:
    prompt: str
    negative_prompt: str
    seed: int
    seed_source: str
    parts: list[Part] = field(default_factory=list)
    references: list[str] = field(default_factory=list)  # storage names of the characters' reference images


def shot_seed(shot: Shot) -> int:
    return int.from_bytes(hashlib.sha256(f"previz-shot-{shot.pk}".encode()).digest()[:4], "big")


def assemble(shot: Shot, *, kind: str = "frame") -> Assembled:
    """The prompt, seed and references for ``shot``. ``shot`` should come with its scene, project and
    characters (with their references) loaded: see ``selectors.shot_for_generation``."""
    scene, project = shot.scene, shot.project
    characters = list(shot.characters.all())
    # Most important first: CLIP-based models read 77 tokens and drop the rest, so who is in the
    # shot and what they do come before where, the camera and the look.
    parts: list[Part] = []
    if shot.description.strip():
        parts.append(Part("action", "Action", " ".join(shot.description.split()).rstrip(".")))
    references: list[str] = []
    for character in characters:
        look = " ".join(character.appearance_prompt.split()).rstrip(".")
        parts.append(Part(f"character:{character.pk}", character.name,
                          f"{character.name}: {look}" if look else character.name))
        references.extend(ref.image.name for ref in character.references.all())
    place = ", ".join(p for p in (INT_EXT.get(scene.int_ext, ""), scene.location.strip().lower(),
                                  scene.time_of_day.strip().lower()) if p)
    if place:
        parts.append(Part("scene", f"Scene {scene.number}", place))
    camera = [SIZES.get(shot.size, ""), ANGLES.get(shot.angle, ""), lens_words(shot.lens_mm)]
    if kind == "clip":
        camera.append(MOVES.get(shot.movement, ""))
    parts.append(Part("camera", f"Shot {shot.number}", ", ".join(c for c in camera if c)))
    if project.style_prompt.strip():
        parts.append(Part("style", "Look", project.style_prompt.strip().rstrip(".")))
    if characters:
        seed, seed_source = characters[0].seed, f"{characters[0].name}'s seed"
    else:
        seed, seed_source = shot_seed(shot), f"shot {shot.number}'s seed"
    return Assembled(
        prompt=". ".join(p.text for p in parts), negative_prompt=NEGATIVE, seed=seed, seed_source=seed_source,
        parts=parts, references=references,
    )


def frame_size(aspect_ratio: str, base: int, *, minimum: int = 64) -> tuple[int, int]:
    """Width and height (multiples of 8, each at least ``minimum``) with the project's aspect ratio and
    about ``base``² pixels."""
    ratio = float(aspect_ratio)
    width = round(base * ratio**0.5 / 8) * 8
    height = round(base / ratio**0.5 / 8) * 8
    return max(minimum, width), max(minimum, height)

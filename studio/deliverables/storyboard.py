"""The storyboard as the storyboard page and its timeline read it: the sequence's panels with their pictures'
links, camera data, action, dialogue and where each starts in the cut."""

from __future__ import annotations

from .sequence import Sequence, speech_estimate, timecode


def as_json(sequence: Sequence, project) -> dict:
    starts = sequence.starts()
    return {
        "project": project.pk, "title": sequence.title, "scene": sequence.scene_id,
        "aspect": float(sequence.aspect), "fps": {"num": sequence.fps.numerator, "den": sequence.fps.denominator},
        "frames": sequence.frames, "seconds": round(float(sequence.seconds), 3),
        "panels": [{
            "shot": p.shot_id, "number": p.number, "version": p.version, "scene": p.scene_id,
            "scene_number": p.scene_number, "scene_heading": p.scene_heading, "size": p.size_code,
            "size_label": p.size, "angle": p.angle, "movement": p.movement, "lens_mm": p.lens_mm,
            "camera": p.camera, "duration": str(p.duration_s), "frames": p.frames, "start": start,
            "timecode": timecode(start, sequence.fps), "action": p.action, "notes": p.notes,
            "lines": [{"speaker": line.speaker, "text": line.text} for line in p.lines],
            "speech_s": speech, "dialogue_too_long": speech > float(p.duration_s),
            "characters": list(p.characters), "status": p.status, "selected": p.selected,
            "take": p.media.take_id if p.media else None, "take_number": p.media.take_number if p.media else None,
            "kind": p.media.kind if p.media else None, "url": p.media.url if p.media else None,
            "thumbnail_url": (p.media.url.rstrip("/") + "/thumb/") if p.media and p.media.url else None,
        } for p, start, speech in zip(sequence.panels, starts, (speech_estimate(p.lines) for p in sequence.panels),
                                      strict=True)],
    }

"""Which scene of the new script text is which Scene row: the matching behind scene identity.

Shots hang on Scene rows, so a scene must keep its row through the edits writers make: its heading
rewritten, its action rewritten, scenes inserted before it, scenes moved around. This module only
decides; ``services.scenes_reconcile`` writes.

Matching, in passes, each over what the previous left:
1. the same heading and the same body;
2. the same body (the heading was rewritten);
3. the same heading (the body was rewritten) — the nearest in position when a heading repeats;
4. similar enough: a score mixing body and heading similarity, best pairs first, above a threshold. A body
   compares both whole and as the new body's opening, so a scene whose text grew at its end (the text of a
   scene below joined it when that scene's heading was deleted) is still itself, not the scene that lost it.
An old scene left over is gone from the script, whatever became of its text (deleted, or joined to the scene
above when its heading was deleted): the sync keeps it, with its shots, as an omitted scene, and a heading that
comes back (undo, typed again, pasted elsewhere) finds it again. Nothing here merges scenes: a script edit
never moves shots between scenes.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

THRESHOLD = 0.5


@dataclass(frozen=True)
class Old:
    id: int
    heading: str
    body: str
    position: int


@dataclass(frozen=True)
class New:
    heading: str
    body: str
    position: int


@dataclass
class Matching:
    kept: dict[int, int] = field(default_factory=dict)  # new position → old id
    gone: list[int] = field(default_factory=list)  # old ids no longer in the script


def _norm(text: str) -> str:
    return "\n".join(line.strip() for line in text.strip().splitlines() if line.strip())


def _similarity(a: str, b: str) -> float:
    if a == b:
        return 1.0
    if not a or not b:
        return 0.0
    matcher = difflib.SequenceMatcher(a=a.splitlines(), b=b.splitlines(), autojunk=False)
    if matcher.real_quick_ratio() < 0.2:
        return matcher.real_quick_ratio()
    lines = matcher.ratio()
    chars = difflib.SequenceMatcher(a=a, b=b, autojunk=False).ratio() if len(a) + len(b) < 20000 else lines
    return max(lines, chars)


def _body_similarity(old: str, new: str) -> float:
    """The old body against the new one, whole or as its opening (the new body may have grown at its end)."""
    opening = "\n".join(new.splitlines()[:len(old.splitlines())])
    return max(_similarity(old, new), _similarity(old, opening))


def match(old: list[Old], new: list[New]) -> Matching:
    result = Matching()
    olds = {o.id: o for o in old}
    free_old = [o.id for o in old]
    free_new = [n.position for n in new]
    norm = {("o", o.id): (_norm(o.heading).upper(), _norm(o.body)) for o in old}
    norm.update({("n", n.position): (_norm(n.heading).upper(), _norm(n.body)) for n in new})

    def take(new_pos: int, old_id: int) -> None:
        result.kept[new_pos] = old_id
        free_old.remove(old_id)
        free_new.remove(new_pos)

    def exact_pass(key) -> None:
        for new_pos in list(free_new):
            wanted = key(norm[("n", new_pos)])
            if not all(wanted):
                continue
            candidates = [i for i in free_old if key(norm[("o", i)]) == wanted]
            if candidates:  # a repeated heading or body goes to the nearest in position
                take(new_pos, min(candidates, key=lambda i: abs(olds[i].position - new_pos)))

    exact_pass(lambda hb: hb)
    exact_pass(lambda hb: (hb[1],))
    exact_pass(lambda hb: (hb[0],))

    scored = []
    for new_pos in free_new:
        nh, nb = norm[("n", new_pos)]
        for old_id in free_old:
            oh, ob = norm[("o", old_id)]
            body = _body_similarity(ob, nb)
            heading = _similarity(oh, nh)
            score = 0.65 * body + 0.35 * heading if (ob or nb) else heading
            if score >= THRESHOLD:
                scored.append((score, -abs(olds[old_id].position - new_pos), new_pos, old_id))
    for _, _, new_pos, old_id in sorted(scored, reverse=True):
        if new_pos in free_new and old_id in free_old:
            take(new_pos, old_id)

    result.gone = free_old
    return result

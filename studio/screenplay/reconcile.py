"""Which scene of the new script text is which Scene row: the matching behind scene identity.

Shots hang on Scene rows, so a scene must keep its row through the edits writers make: its heading
rewritten, its action rewritten, scenes inserted before it, scenes moved around. This module only
decides; ``services.scenes_reconcile`` writes.

Matching, in passes, each over what the previous left:
1. the same heading and the same body;
2. the same body (the heading was rewritten);
3. the same heading (the body was rewritten) — the nearest in position when a heading repeats;
4. similar enough: a score mixing body and heading similarity, best pairs first, above a threshold.
An old scene left over whose body now sits inside a new scene is reported as merged into it (its heading
was deleted); any other left-over scene was deleted from the script. Both are gone from the script: the
sync keeps them, with their shots, as omitted scenes (a script edit never moves shots between scenes).
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field

THRESHOLD = 0.5
CONTAINED = 0.8


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
    merged: dict[int, int] = field(default_factory=dict)  # old id → new position it was merged into
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


def _contained(part: str, whole: str) -> float:
    """Share of ``part``'s lines found in ``whole``."""
    lines = [line for line in part.splitlines() if line]
    if not lines:
        return 0.0
    present = set(whole.splitlines())
    return sum(line in present for line in lines) / len(lines)


def match(old: list[Old], new: list[New]) -> Matching:
    result = Matching()
    olds = {o.id: o for o in old}
    free_old = [o.id for o in old]
    free_new = [n.position for n in new]
    by_pos = {n.position: n for n in new}
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
            body = _similarity(ob, nb)
            heading = _similarity(oh, nh)
            score = 0.65 * body + 0.35 * heading if (ob or nb) else heading
            if score >= THRESHOLD:
                scored.append((score, -abs(olds[old_id].position - new_pos), new_pos, old_id))
    for _, _, new_pos, old_id in sorted(scored, reverse=True):
        if new_pos in free_new and old_id in free_old:
            take(new_pos, old_id)

    for old_id in list(free_old):
        body = norm[("o", old_id)][1]
        homes = [(_contained(body, norm[("n", p)][1]), p) for p in by_pos if body]
        best = max(homes, default=(0.0, None))
        if best[0] >= CONTAINED:
            result.merged[old_id] = best[1]
        else:
            result.gone.append(old_id)
        free_old.remove(old_id)
    return result

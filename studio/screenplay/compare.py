"""Two versions of a script side by side, scene by scene.

Scenes are paired as the live reconcile pairs them (``reconcile.match``), so a scene that moved or was
renamed is shown as that, not as one removed and one added. Within a changed scene, lines are paired by
a diff and the changed words marked.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from itertools import accumulate

from . import reconcile
from .fountain import parse


@dataclass
class Line:
    kind: str  # "same", "changed", "added", "removed", "blank"
    old: str = ""
    new: str = ""
    old_marks: list[tuple[int, int]] = field(default_factory=list)  # changed spans, in characters
    new_marks: list[tuple[int, int]] = field(default_factory=list)


@dataclass
class SceneChange:
    status: str  # "same", "changed", "moved", "added", "removed"
    old_heading: str
    new_heading: str
    old_number: int | None
    new_number: int | None
    lines: list[Line]


@dataclass
class Comparison:
    scenes: list[SceneChange]
    counts: dict[str, int]
    front_matter: list[Line]  # the text before the first scene (title page, opening)


def _scenes(text: str):
    screenplay = parse(text)
    blocks = screenplay.scenes()
    first = blocks[0].line if blocks else None
    lines = text.split("\n")
    front = "\n".join(lines[:first] if first is not None else lines)
    return blocks, front


_TOKEN = re.compile(r"\w+|\s+|[^\w\s]")


def _marks(a: str, b: str) -> tuple[list[tuple[int, int]], list[tuple[int, int]]]:
    """Changed spans of two versions of a line, by whole words (a diff reader wants "trims → lights",
    not the letters they do not share)."""
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    starts_a = [0, *accumulate(len(t) for t in ta)]
    starts_b = [0, *accumulate(len(t) for t in tb)]
    old, new = [], []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=ta, b=tb, autojunk=False).get_opcodes():
        if tag != "equal":
            if i2 > i1:
                old.append((starts_a[i1], starts_a[i2]))
            if j2 > j1:
                new.append((starts_b[j1], starts_b[j2]))
    return old, new


def diff_lines(old: str, new: str) -> list[Line]:
    a, b = old.split("\n"), new.split("\n")
    out: list[Line] = []
    for tag, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if tag == "equal":
            out += [Line("same" if a[i] else "blank", a[i], b[j]) for i, j in zip(range(i1, i2), range(j1, j2),
                                                                                strict=True)]
        elif tag == "replace":
            pairs = min(i2 - i1, j2 - j1)
            for k in range(pairs):
                om, nm = _marks(a[i1 + k], b[j1 + k])
                out.append(Line("changed", a[i1 + k], b[j1 + k], om, nm))
            out += [Line("removed", old=line) for line in a[i1 + pairs:i2]]
            out += [Line("added", new=line) for line in b[j1 + pairs:j2]]
        elif tag == "delete":
            out += [Line("removed", old=line) for line in a[i1:i2]]
        else:
            out += [Line("added", new=line) for line in b[j1:j2]]
    return out


def compare(old_text: str, new_text: str) -> Comparison:
    old_blocks, old_front = _scenes(old_text)
    new_blocks, new_front = _scenes(new_text)
    matching = reconcile.match(
        [reconcile.Old(id=i, heading=b.heading, body=b.body, position=i) for i, b in enumerate(old_blocks)],
        [reconcile.New(heading=b.heading, body=b.body, position=i) for i, b in enumerate(new_blocks)],
    )
    paired_old = {old_id: new_pos for new_pos, old_id in matching.kept.items()}
    scenes: list[SceneChange] = []
    order_of_kept = [paired_old[i] for i in range(len(old_blocks)) if i in paired_old]
    unchanged = {paired_old[i] for i in paired_old
                 if (old_blocks[i].heading, old_blocks[i].body) == (new_blocks[paired_old[i]].heading,
                                                                    new_blocks[paired_old[i]].body)}
    moved = _moved(order_of_kept, unchanged)
    for new_pos, block in enumerate(new_blocks):
        old_id = matching.kept.get(new_pos)
        if old_id is None:
            scenes.append(SceneChange("added", "", block.heading, None, new_pos + 1,
                                      [Line("added", new=line) for line in block.body.split("\n")]))
            continue
        old = old_blocks[old_id]
        same = old.heading == block.heading and old.body == block.body
        status = "moved" if new_pos in moved else ("same" if same else "changed")
        lines = diff_lines(old.body, block.body)
        if old.heading != block.heading:
            om, nm = _marks(old.heading, block.heading)
            lines.insert(0, Line("changed", old.heading, block.heading, om, nm))
        scenes.append(SceneChange(status, old.heading, block.heading, old_id + 1, new_pos + 1, lines))
    # scenes taken out (or merged into another) go where they stood, after the scene before them
    for old_id in sorted(set(range(len(old_blocks))) - set(paired_old)):
        block = old_blocks[old_id]
        change = SceneChange("removed", block.heading, "", old_id + 1, None,
                             [Line("removed", old=line) for line in block.body.split("\n")])
        before = [i for i, s in enumerate(scenes) if s.old_number is not None and s.old_number < old_id + 1]
        scenes.insert(before[-1] + 1 if before else 0, change)
    counts = {status: sum(s.status == status for s in scenes) for status in ("changed", "moved", "added", "removed")}
    return Comparison(scenes=scenes, counts=counts, front_matter=diff_lines(old_front, new_front))


def _moved(order: list[int], unchanged: set[int] | None = None) -> set[int]:
    """New positions of kept scenes that are out of order: all but the in-order run worth the most.

    Each scene in the run counts 1, an unchanged one 1.5: when two runs are as long, the unchanged scenes
    stay put and the edited one is the one that moved. O(n²): scripts have hundreds of scenes at most.
    """
    if not order:
        return set()
    unchanged = unchanged or set()
    weight = [1.5 if value in unchanged else 1.0 for value in order]
    best = list(weight)
    previous = [-1] * len(order)
    for i in range(len(order)):
        for j in range(i):
            if order[j] < order[i] and best[j] + weight[i] > best[i]:
                best[i], previous[i] = best[j] + weight[i], j
    i = max(range(len(order)), key=lambda k: best[k])
    keep = set()
    while i != -1:
        keep.add(order[i])
        i = previous[i]
    return {value for value in order if value not in keep}

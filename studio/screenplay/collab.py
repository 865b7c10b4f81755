"""A script's Yjs document in the database: load it, log updates, compact the log, edit it as the server.

The document has one shared type, the Y.Text ``fountain`` that the browser's CodeMirror binds to. Its
truth is ``Script.ystate`` (a compacted snapshot) plus every ``ScriptUpdate`` row; a room in a process
is only a cache rebuilt from them. pycrdt documents must stay on the thread that made them, so these
functions build a document, use it and return bytes or text.

pycrdt indexes text by UTF-8 bytes; Python strings index by code points. ``_byte_offsets`` converts.
"""

from __future__ import annotations

import difflib
from bisect import bisect_right
from itertools import accumulate

from django.db import transaction
from pycrdt import Doc, Text

from .models import Script, ScriptUpdate

TEXT = "fountain"
EMPTY_UPDATE = b"\x00\x00"


def new_doc(state: bytes = b"") -> Doc:
    doc = Doc()
    doc.get(TEXT, type=Text)
    if state and state != EMPTY_UPDATE:
        doc.apply_update(state)
    return doc


def doc_text(doc: Doc) -> str:
    return str(doc.get(TEXT, type=Text))


def load_doc(script_id: int) -> Doc:
    """The script's document: its snapshot, then every logged update (in id order; any order converges)."""
    ystate = Script.objects.filter(pk=script_id).values_list("ystate", flat=True).get()
    doc = new_doc(bytes(ystate))
    for data in ScriptUpdate.objects.filter(script_id=script_id).order_by("id").values_list("data", flat=True):
        doc.apply_update(bytes(data))
    return doc


def load_state(script_id: int) -> bytes:
    """The script's whole document as one update."""
    return load_doc(script_id).get_update()


def append_update(script_id: int, data: bytes, *, author_id: int | None) -> int:
    return ScriptUpdate.objects.create(script_id=script_id, data=data, author_id=author_id).pk


def append_updates(script_id: int, updates: list[tuple[bytes, int | None]]) -> None:
    """Store several updates in one transaction (a room's group commit)."""
    ScriptUpdate.objects.bulk_create(
        [ScriptUpdate(script_id=script_id, data=data, author_id=author_id) for data, author_id in updates]
    )


@transaction.atomic
def compact(script_id: int) -> int:
    """Fold every logged update into the snapshot; return how many rows were folded.

    Only the rows read here are deleted, so an update appended meanwhile stays in the log (PostgreSQL
    may commit ids out of order: nothing here relies on id ranges).
    """
    script = Script.objects.select_for_update().only("ystate").get(pk=script_id)
    rows = list(ScriptUpdate.objects.filter(script_id=script_id).order_by("id").values_list("id", "data"))
    if not rows:
        return 0
    doc = new_doc(bytes(script.ystate))
    for _, data in rows:
        doc.apply_update(bytes(data))
    Script.objects.filter(pk=script_id).update(ystate=doc.get_update())
    ScriptUpdate.objects.filter(id__in=[pk for pk, _ in rows]).delete()
    return len(rows)


def _byte_offsets(text: str):
    """A function from code-point index to UTF-8 byte offset in ``text``."""
    if text.isascii():
        return lambda i: i
    widths = list(accumulate((len(ch.encode()) for ch in text), initial=0))
    return lambda i: widths[i]


def replace_text(doc: Doc, new_text: str) -> bytes | None:
    """Edit the document's text into ``new_text`` with small edits (line by line, then within changed
    lines), so collaborators' cursors and concurrent edits elsewhere survive. Returns the update, or
    None when the text is already ``new_text``."""
    text = doc.get(TEXT, type=Text)
    old = str(text)
    if old == new_text:
        return None
    before = doc.get_state()
    edits = list(_edits(old, new_text))
    to_bytes = _byte_offsets(old)
    with doc.transaction():
        for start, end, insert in reversed(edits):  # from the end, so earlier offsets stay valid
            if end > start:
                del text[to_bytes(start):to_bytes(end)]
            if insert:
                text.insert(to_bytes(start), insert)
    return doc.get_update(before)


def _edits(old: str, new: str):
    """(start, end, insertion) in ``old``'s code points, in order, turning ``old`` into ``new``."""
    old_lines, new_lines = old.splitlines(keepends=True), new.splitlines(keepends=True)
    old_starts = list(accumulate((len(line) for line in old_lines), initial=0))
    new_starts = list(accumulate((len(line) for line in new_lines), initial=0))
    matcher = difflib.SequenceMatcher(a=old_lines, b=new_lines, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            continue
        a0, a1, b0, b1 = old_starts[i1], old_starts[i2], new_starts[j1], new_starts[j2]
        if tag == "replace" and (a1 - a0) + (b1 - b0) <= 4000:
            inner = difflib.SequenceMatcher(a=old[a0:a1], b=new[b0:b1], autojunk=False)
            for t2, k1, k2, l1, l2 in inner.get_opcodes():
                if t2 != "equal":
                    yield a0 + k1, a0 + k2, new[b0 + l1:b0 + l2]
        else:
            yield a0, a1, new[b0:b1]


def line_of(text: str, index: int) -> int:
    """0-based line number of a code-point index."""
    starts = [0, *(i + 1 for i, ch in enumerate(text) if ch == "\n")]
    return bisect_right(starts, index) - 1

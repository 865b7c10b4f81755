"""What the page tests share: a logged-in Django test client and a small HTML reader.

``browser(user)`` is a ``django.test.Client`` with a real session for ``user`` (anonymous for None).
``html(response)`` parses the page into elements that can be searched by tag and attributes.
"""

from __future__ import annotations

import json
from html.parser import HTMLParser

import pytest
from django.test import Client

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag: str, attrs: dict[str, str | None], parent: Element | None = None):
        self.tag = tag
        self.attrs = attrs
        self.parent = parent
        self.children: list[Element | str] = []

    def __repr__(self) -> str:
        return f"<{self.tag} {self.attrs}>"

    @property
    def text(self) -> str:
        """The text inside, whitespace collapsed."""
        return " ".join("".join(self._strings()).split())

    @property
    def raw_text(self) -> str:
        return "".join(self._strings())

    def _strings(self):
        for child in self.children:
            if isinstance(child, str):
                yield child
            else:
                yield from child._strings()

    def has(self, name: str) -> bool:
        return name in self.attrs

    def classes(self) -> set[str]:
        return set((self.attrs.get("class") or "").split())

    def _matches(self, tag: str | None, cls: str | None, attrs: dict) -> bool:
        if tag is not None and self.tag != tag:
            return False
        if cls is not None and not set(cls.split()) <= self.classes():
            return False
        return all(
            (k.replace("_", "-") in self.attrs) if v is True else self.attrs.get(k.replace("_", "-")) == v
            for k, v in attrs.items()
        )

    def find_all(self, tag: str | None = None, *, cls: str | None = None, **attrs) -> list[Element]:
        """Descendants with this tag, these classes (all of them) and these exact attribute values.

        An attribute name with ``_`` stands for ``-`` (``data_member`` is ``data-member``); the value True
        asks only that the attribute is there (``disabled=True``).
        """
        found = []
        for child in self.children:
            if isinstance(child, Element):
                if child._matches(tag, cls, attrs):
                    found.append(child)
                found.extend(child.find_all(tag, cls=cls, **attrs))
        return found

    def one(self, tag: str | None = None, *, cls: str | None = None, **attrs) -> Element:
        """The only descendant that matches; fails the test if there are none or several."""
        found = self.find_all(tag, cls=cls, **attrs)
        assert len(found) == 1, f"expected one <{tag} {cls or ''} {attrs}>, found {len(found)}"
        return found[0]

    def values(self) -> dict[str, str]:
        """The values a form would send from its inputs, selects and textareas (not buttons)."""
        out = {}
        for el in self.find_all():
            name = el.attrs.get("name")
            if not name:
                continue
            if el.tag == "input" and el.attrs.get("type") not in {"checkbox", "radio", "submit", "file"}:
                out[name] = el.attrs.get("value") or ""
            elif el.tag == "textarea":
                out[name] = el.raw_text.removeprefix("\n")
            elif el.tag == "select":
                chosen = [o for o in el.find_all("option") if o.has("selected")]
                out[name] = chosen[0].attrs.get("value") if chosen else None
        return out


class _Reader(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = Element("#document", {})
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        element = Element(tag, dict(attrs), self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, dict(attrs), self.current))

    def handle_endtag(self, tag):
        if tag in VOID:
            return
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(content: bytes | str) -> Element:
    reader = _Reader()
    reader.feed(content.decode() if isinstance(content, bytes) else content)
    reader.close()
    return reader.root


@pytest.fixture
def html():
    """``html(response)`` → the page's document element."""
    return lambda response: parse(response.content)


@pytest.fixture
def browser():
    def make(user=None) -> Client:
        client = Client()
        if user is not None:
            client.force_login(user)
        return client

    return make


@pytest.fixture
def toasts():
    """``toasts(response)`` → the flash messages on a page, in order, as (level, text)."""
    return lambda response: [
        (" ".join(sorted(el.classes() - {"toast"})), el.one("span").text)
        for el in parse(response.content).find_all("div", cls="toast")
    ]


@pytest.fixture
def board_state():
    """``board_state(response)`` → the JSON the board page embeds for its script (``board_state(r, id)`` for
    another page's JSON)."""
    return lambda response, element_id="board-state": json.loads(
        parse(response.content).one("script", id=element_id).raw_text)

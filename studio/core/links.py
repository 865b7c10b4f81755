"""Routes that build their own links: one pattern string serves both the URL conf and the links to it.

An app that owns a route (a member-only file, say) declares it once::

    THUMBNAIL = Route("projects/<id:project_id>/media/takes/<id:pk>/thumb/")
    urlpatterns = [THUMBNAIL.path(take_file, name="take-thumbnail", kwargs={"thumbnail": True})]

and builds links to it by formatting that pattern, never by resolving a URL name: ``THUMBNAIL.url(project_id=1,
pk=2)`` for one, ``thumb = THUMBNAIL.urls()`` then ``thumb(project_id=1, pk=2)`` for many rows (the script prefix
is read once). The links are what ``reverse()`` gives for the route (a test holds it), at a fraction of its cost.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.urls import URLPattern, get_script_prefix, path

from . import ids  # noqa: F401  registers the <id:…> converter the routes use

_PARAMETER = re.compile(r"<(?:(\w+):)?(\w+)>")
_FORMATTED = {"id", "int", "str", "slug"}  # converters whose values are written as they are given


class Route:
    def __init__(self, pattern: str):
        converters = {converter or "str" for converter, _ in _PARAMETER.findall(pattern)}
        if converters - _FORMATTED:
            raise ValueError(f"{pattern}: only {sorted(_FORMATTED)} parameters can be formatted")
        if "{" in pattern or "}" in pattern or pattern.startswith("/"):
            raise ValueError(f"{pattern}: a route has no braces and no leading slash")
        self.pattern = pattern
        self._format = _PARAMETER.sub(r"{\2}", pattern)

    def __repr__(self) -> str:
        return f"Route({self.pattern!r})"

    def path(self, view, *, name: str, kwargs: dict | None = None) -> URLPattern:
        return path(self.pattern, view, kwargs or {}, name=name)

    def url(self, **values) -> str:
        """The link to this route with these values (``project_id=…, pk=…``)."""
        return get_script_prefix() + self._format.format(**values)

    def urls(self) -> Callable[..., str]:
        """``url`` for many rows: the script prefix read once, then one ``str.format`` a link."""
        prefix = get_script_prefix().replace("{", "{{").replace("}", "}}")
        return (prefix + self._format).format

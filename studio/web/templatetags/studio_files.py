"""Links to the files the apps serve to project members, for templates: ``{{ take|take_thumbnail_url }}``.

Each app owns its file routes and their link builders (``cast.files``, ``renders.files``); these filters
only call them."""

from __future__ import annotations

from django import template

from studio.cast import files as cast_files
from studio.renders import files as render_files

register = template.Library()

register.filter("take_url", render_files.take_url)
register.filter("take_thumbnail_url", render_files.take_thumbnail_url)
register.filter("take_depth_url", render_files.take_depth_url)
register.filter("reference_url", cast_files.reference_url)
register.filter("reference_thumbnail_url", cast_files.reference_thumbnail_url)

"""``{{ n|noun:"scene" }}`` → scene or scenes, ``{{ n|counted:"person" }}`` → 1 person, 2 people (core.words)."""

from django import template

from studio.core import words

register = template.Library()
register.filter("noun", words.noun)
register.filter("counted", words.plural)

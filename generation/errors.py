"""The errors `generation` raises, and only these.

The worker turns each into a user-facing state: a `RequestError` is the user's to fix (shown next to the field it
names), a `ModelError` is the operator's (a model folder or config is wrong), `Canceled` is not a failure at all.
Anything else escaping `Engine.generate` is a bug.
"""

from __future__ import annotations


class GenerationError(Exception):
    """Base class of every error this library raises on purpose."""


class RequestError(GenerationError):
    """A request that cannot run as asked. ``errors`` maps each bad field to a concise message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))


class ModelError(GenerationError):
    """A model that cannot load: a missing folder, a bad config, a device that is not there."""


class ConfigError(ModelError):
    """A bad model registry config (``STUDIO_MODELS``). ``errors`` maps ``models[i].field`` to a message."""

    def __init__(self, errors: dict[str, str]):
        self.errors = dict(errors)
        super().__init__("; ".join(f"{field}: {message}" for field, message in self.errors.items()))


class Canceled(GenerationError):
    """The caller asked to stop; the half-done output was discarded."""

"""People who use the studio."""

from __future__ import annotations

import hashlib

from django.contrib.auth.models import AbstractUser
from django.db import models

# Avatar colours: distinct on the dark studio background, readable with white initials.
AVATAR_COLORS = (
    "#e4572e", "#f3a712", "#29a19c", "#4f86f7", "#a259ff",
    "#e83f6f", "#2bb673", "#ff7f50", "#5c7cfa", "#d6336c",
)


class User(AbstractUser):
    """A studio user. ``display_name`` is what teammates see next to cursors and avatars."""

    display_name = models.CharField(max_length=80, blank=True)

    class Meta:
        db_table = "accounts_user"

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username

    @property
    def initials(self) -> str:
        parts = [p for p in self.name.replace("_", " ").split() if p]
        if len(parts) >= 2:
            return (parts[0][0] + parts[-1][0]).upper()
        return self.name[:2].upper()

    @property
    def color(self) -> str:
        """A stable colour per user, the same in every browser and process."""
        digest = hashlib.sha1(self.username.encode()).digest()
        return AVATAR_COLORS[digest[0] % len(AVATAR_COLORS)]

from django.apps import AppConfig


class ShotsConfig(AppConfig):
    name = "studio.shots"
    label = "shots"
    verbose_name = "Shots"

    def ready(self):
        from studio.projects import hooks
        from studio.projects.selectors import count_of

        from . import (
            assets,
            events,  # noqa: F401  (its event types join live.events.EVENT_TYPES)
        )
        from .models import Shot

        hooks.project_count("shot", lambda: count_of(Shot.objects.all()))
        hooks.project_files(assets.project_asset_files)

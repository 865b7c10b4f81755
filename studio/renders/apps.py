from django.apps import AppConfig


class RendersConfig(AppConfig):
    name = "studio.renders"
    label = "renders"
    verbose_name = "Renders"

    def ready(self):
        from studio.projects import hooks

        from . import (
            events,  # noqa: F401  (its event types join live.events.EVENT_TYPES)
            media,
        )

        hooks.project_files(media.project_render_files)

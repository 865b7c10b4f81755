from django.apps import AppConfig


class CastConfig(AppConfig):
    name = "studio.cast"
    label = "cast"
    verbose_name = "Cast"

    def ready(self):
        from studio.projects import hooks
        from studio.projects.selectors import count_of

        from . import (
            events,  # noqa: F401  (its event types join live.events.EVENT_TYPES)
            services,
        )
        from .models import Character

        hooks.project_count("character", lambda: count_of(Character.objects.all()))
        hooks.project_files(services.project_reference_files)

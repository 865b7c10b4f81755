from django.apps import AppConfig


class ScreenplayConfig(AppConfig):
    name = "studio.screenplay"
    label = "screenplay"
    verbose_name = "Screenplay"

    def ready(self):
        from studio.projects import hooks
        from studio.projects.selectors import count_of

        from . import (
            events,  # noqa: F401  (its event types join live.events.EVENT_TYPES)
            services,
        )
        from .models import Scene

        hooks.on_project_created(services.first_script_create)
        hooks.project_count("scene", lambda: count_of(Scene.objects.all()))

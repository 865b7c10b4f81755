from django.apps import AppConfig


class ProjectsConfig(AppConfig):
    name = "studio.projects"
    label = "projects"
    verbose_name = "Projects"

    def ready(self):
        from . import events  # noqa: F401  (its event types join live.events.EVENT_TYPES)

from django.apps import AppConfig


class DeliverablesConfig(AppConfig):
    name = "studio.deliverables"
    label = "deliverables"
    verbose_name = "Deliverables"

    def ready(self):
        from studio.projects import hooks

        from . import (
            events,  # noqa: F401  (its event types join live.events.EVENT_TYPES)
            files,
        )

        hooks.project_files(files.project_export_files)

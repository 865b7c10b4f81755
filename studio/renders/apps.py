from django.apps import AppConfig


class RendersConfig(AppConfig):
    name = "studio.renders"
    label = "renders"
    verbose_name = "Renders"

    def ready(self):
        from studio.projects import hooks

        from . import media

        hooks.project_files(media.project_render_files)

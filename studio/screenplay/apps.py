from django.apps import AppConfig


class ScreenplayConfig(AppConfig):
    name = "studio.screenplay"
    label = "screenplay"
    verbose_name = "Screenplay"

from django.apps import AppConfig


class CastConfig(AppConfig):
    name = "studio.cast"
    label = "cast"
    verbose_name = "Cast"

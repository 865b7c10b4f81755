from django.apps import AppConfig


class ShotsConfig(AppConfig):
    name = "studio.shots"
    label = "shots"
    verbose_name = "Shots"

from django.apps import AppConfig


class LibConfig(AppConfig):
    """Model-free helpers; an app only so that its template filters load."""

    name = "dangvu.lib"
    label = "lib"

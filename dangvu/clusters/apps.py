from django.apps import AppConfig


class ClustersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dangvu.clusters"
    verbose_name = "Cụm thi đua"

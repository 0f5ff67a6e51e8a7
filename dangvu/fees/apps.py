from django.apps import AppConfig


class FeesConfig(AppConfig):
    name = "dangvu.fees"
    label = "fees"
    verbose_name = "Đảng phí"

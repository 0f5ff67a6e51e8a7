from django.apps import AppConfig


class HandbookConfig(AppConfig):
    name = "dangvu.handbook"
    label = "handbook"
    verbose_name = "Sổ tay đảng viên"

from django.apps import AppConfig


class RestructureConfig(AppConfig):
    name = "dangvu.restructure"
    label = "restructure"
    verbose_name = "Sắp xếp tổ chức đảng"

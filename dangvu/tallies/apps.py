from django.apps import AppConfig


class TalliesConfig(AppConfig):
    name = "dangvu.tallies"
    label = "tallies"
    verbose_name = "Số liệu tổng hợp sẵn cho báo cáo"

from django.apps import AppConfig


class SynthConfig(AppConfig):
    name = "dangvu.synth"
    verbose_name = "Dữ liệu tổng hợp"

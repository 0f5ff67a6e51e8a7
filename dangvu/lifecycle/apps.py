from django.apps import AppConfig


class LifecycleConfig(AppConfig):
    name = "dangvu.lifecycle"
    label = "lifecycle"
    verbose_name = "Thời hạn, tuổi đảng, huy hiệu"

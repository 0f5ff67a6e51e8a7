from django.apps import AppConfig
from django.db.models.signals import post_migrate


class TalliesConfig(AppConfig):
    name = "dangvu.tallies"
    label = "tallies"
    verbose_name = "Số liệu tổng hợp sẵn cho báo cáo"

    def ready(self) -> None:
        from dangvu.tallies.triggers import ensure_after_migrate

        post_migrate.connect(ensure_after_migrate, sender=self, dispatch_uid="tally_triggers")

from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MembersConfig(AppConfig):
    name = "dangvu.members"
    label = "members"
    verbose_name = "Đảng viên"

    def ready(self) -> None:
        from dangvu.members.name_index import ensure_after_migrate

        post_migrate.connect(ensure_after_migrate, sender=self, dispatch_uid="member_name_fts")

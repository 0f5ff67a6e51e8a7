from django.apps import AppConfig
from django.db.models.signals import post_migrate


class MembersConfig(AppConfig):
    name = "dangvu.members"
    label = "members"
    verbose_name = "Đảng viên"

    def ready(self) -> None:
        from dangvu.members import headcount, name_index

        post_migrate.connect(name_index.ensure_after_migrate, sender=self, dispatch_uid="member_name_fts")
        post_migrate.connect(headcount.ensure_after_migrate, sender=self, dispatch_uid="member_headcount")

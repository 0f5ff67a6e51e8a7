from django.apps import AppConfig


class OrgsConfig(AppConfig):
    name = "dangvu.orgs"
    label = "orgs"
    verbose_name = "Tổ chức đảng"

from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "dangvu.plans"
    label = "plans"
    verbose_name = "Chỉ tiêu, kiểm tra giám sát, đăng ký thi đua"

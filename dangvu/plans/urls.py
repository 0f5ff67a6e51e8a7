from django.urls import path

from dangvu.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.targets, name="targets"),
    path("chi-tieu/them/", views.target_add, name="target_add"),
    path("kiem-tra/", views.inspections, name="inspections"),
    path("kiem-tra/them/", views.inspection_add, name="inspection_add"),
    path("kiem-tra/<int:pk>/ket-qua/", views.inspection_record, name="inspection_record"),
    path("dang-ky/", views.registrations, name="registrations"),
    path("dang-ky/them/", views.registration_add, name="registration_add"),
    path("dang-ky/<int:pk>/danh-gia/", views.registration_assess, name="registration_assess"),
]

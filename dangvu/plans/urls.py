from django.urls import path

from dangvu.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.targets, name="targets"),
    path("chi-tieu/them/", views.target_add, name="target_add"),
    path("chi-tieu/<int:pk>/sua/", views.target_edit, name="target_edit"),
    path("chi-tieu/<int:pk>/xoa/", views.target_remove, name="target_remove"),
    path("kiem-tra/", views.inspections, name="inspections"),
    path("kiem-tra/them/", views.inspection_add, name="inspection_add"),
    path("kiem-tra/word/", views.inspections_docx, name="inspections_docx"),
    path("kiem-tra/<int:pk>/ket-qua/", views.inspection_record, name="inspection_record"),
    path("kiem-tra/<int:pk>/sua/", views.inspection_edit, name="inspection_edit"),
    path("kiem-tra/<int:pk>/xoa/", views.inspection_remove, name="inspection_remove"),
    path("dang-ky/", views.registrations, name="registrations"),
    path("dang-ky/them/", views.registration_add, name="registration_add"),
    path("dang-ky/<int:pk>/danh-gia/", views.registration_assess, name="registration_assess"),
    path("dang-ky/<int:pk>/xoa/", views.registration_remove, name="registration_remove"),
]

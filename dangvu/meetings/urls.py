from django.urls import path

from dangvu.meetings import views

app_name = "meetings"

urlpatterns = [
    path("", views.index, name="index"),
    path("tai-ve/", views.export, name="export"),
    path("chi-bo/<int:pk>/", views.cell, name="cell"),
    path("chi-bo/<int:pk>/them/", views.meeting_create, name="create"),
    path("buoi/<int:pk>/", views.meeting_detail, name="detail"),
    path("buoi/<int:pk>/sua/", views.meeting_edit, name="edit"),
    path("buoi/<int:pk>/xoa/", views.meeting_remove, name="delete"),
    path("kieu-mau/", views.model_cells, name="model_cells"),
    path("kieu-mau/<int:pk>/tieu-chi/", views.criterion_create, name="criterion_create"),
    path("kieu-mau/tieu-chi/<int:pk>/bat-tat/", views.criterion_toggle, name="criterion_toggle"),
    path("kieu-mau/<int:pk>/de-nghi/", views.assessment_create, name="assessment_create"),
    path("kieu-mau/danh-gia/<int:pk>/cong-nhan/", views.assessment_recognise, name="recognise"),
]

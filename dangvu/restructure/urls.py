from django.urls import path

from dangvu.restructure import views

app_name = "restructure"

urlpatterns = [
    path("", views.decision_list, name="list"),
    path("them/", views.decision_new, name="new"),
    path("mau.xlsx", views.sheet_template_download, name="template"),
    path("<int:pk>/", views.decision_detail, name="detail"),
    path("<int:pk>/thao-tac/<str:kind>/", views.operation_new, name="operation_new"),
    path("<int:pk>/thao-tac/<int:op_pk>/xoa/", views.operation_delete, name="operation_delete"),
    path("<int:pk>/bang-ke/", views.sheet_upload, name="sheet"),
    path("<int:pk>/ap-dung/", views.apply, name="apply"),
    path("<int:pk>/hoan-tac/", views.undo, name="undo"),
]

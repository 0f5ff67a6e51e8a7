from django.urls import path

from dangvu.fees import views

app_name = "fees"

urlpatterns = [
    path("", views.index, name="index"),
    path("tai-ve/", views.export, name="export"),
    path("chi-bo/<int:pk>/", views.cell, name="cell"),
    path("chi-bo/<int:pk>/tai-ve/", views.cell_export, name="cell_export"),
    path("chi-bo/<int:pk>/thu/", views.collect, name="collect"),
    path("dang-vien/<int:pk>/", views.member, name="member"),
    path("dang-vien/<int:pk>/muc-dong/", views.profile_set, name="profile"),
    path("dang-vien/<int:pk>/giam/", views.reduction_add, name="reduction"),
    path("dang-vien/<int:pk>/nop/", views.payment_add, name="payment"),
    path("giam/<int:pk>/xoa/", views.reduction_delete, name="reduction_delete"),
    path("khoan-nop/<int:pk>/xoa/", views.payment_delete, name="payment_delete"),
    path("cai-dat/", views.settings_page, name="settings"),
    path("cai-dat/<str:key>/", views.setting_set, name="setting_set"),
]

from django.urls import path

from dangvu.evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("", views.periods, name="periods"),
    path("mo-ky/", views.period_create, name="period_open"),
    path("ky/<int:pk>/cong-bo/", views.period_publish, name="period_publish"),
    path("<int:year>/<int:quarter>/chi-bo/<int:pk>/", views.member_grid, name="member_grid"),
    path("<int:year>/<int:quarter>/to-chuc/<int:pk>/", views.org_grid, name="org_grid"),
]

from django.urls import path

from dangvu.plans import views

app_name = "plans"

urlpatterns = [
    path("", views.targets, name="targets"),
    path("kiem-tra/", views.inspections, name="inspections"),
]

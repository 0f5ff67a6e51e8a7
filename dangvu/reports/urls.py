from django.urls import path

from dangvu.reports import views

app_name = "reports"

urlpatterns = [
    path("xep-loai/", views.ratings, name="ratings"),
]

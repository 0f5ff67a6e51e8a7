from django.urls import path

from dangvu.lifecycle import views

app_name = "lifecycle"

urlpatterns = [
    path("", views.worklist_page, name="worklist"),
]

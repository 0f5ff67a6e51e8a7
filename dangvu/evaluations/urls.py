from django.urls import path

from dangvu.evaluations import views

app_name = "evaluations"

urlpatterns = [
    path("", views.periods, name="periods"),
]

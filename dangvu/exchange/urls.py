from django.urls import path

from dangvu.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.imports, name="imports"),
]

from django.urls import path

from dangvu.clusters import views

app_name = "clusters"

urlpatterns = [
    path("", views.index, name="index"),
    path("them/", views.create, name="create"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/giao-ban/<int:year>/<int:quarter>/", views.briefing, name="briefing"),
    path("<int:pk>/giao-ban/<int:year>/<int:quarter>/luu/", views.briefing_save, name="briefing_save"),
    path("<int:pk>/giao-ban/<int:year>/<int:quarter>/bao-cao.docx", views.briefing_docx, name="briefing_docx"),
]

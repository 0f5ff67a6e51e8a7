from django.urls import path

from dangvu.exchange import views

app_name = "exchange"

urlpatterns = [
    path("", views.imports, name="imports"),
    path("mau/<slug:kind>.xlsx", views.template_download, name="template"),
    path("<int:pk>/", views.job_detail, name="job"),
    path("<int:pk>/tien-do/", views.job_progress, name="job_progress"),
    path("<int:pk>/ghi/", views.job_commit, name="job_commit"),
]

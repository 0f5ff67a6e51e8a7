from django.urls import path

from dangvu.orgs import views

app_name = "orgs"

urlpatterns = [
    path("", views.tree, name="tree"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/con/", views.children, name="children"),
    path("<int:pk>/them/", views.create_child, name="create"),
    path("<int:pk>/sua/", views.edit, name="edit"),
    path("<int:pk>/chuyen/", views.move, name="move"),
    path("<int:pk>/giai-the/", views.dissolve, name="dissolve"),
]

from django.urls import path

from dangvu.members import views

app_name = "members"

urlpatterns = [
    path("", views.member_list, name="list"),
    path("them/", views.member_create_view, name="create"),
    path("<int:pk>/", views.member_detail, name="detail"),
    path("<int:pk>/sua/", views.member_edit, name="edit"),
    path("<int:pk>/hien/<slug:field>/", views.member_reveal, name="reveal"),
    path("<int:pk>/su-kien/them/", views.event_add_view, name="event_add"),
    path("su-kien/<int:event_id>/sua/", views.event_edit, name="event_edit"),
    path("su-kien/<int:event_id>/xoa/", views.event_remove, name="event_delete"),
]

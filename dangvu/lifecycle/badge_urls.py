from django.urls import path

from dangvu.lifecycle import views

app_name = "badges"

urlpatterns = [
    path("", views.badge_list, name="list"),
    path("de-nghi/", views.badge_propose, name="propose"),
    path("quyet-dinh/", views.badge_record, name="record"),
    path("om-nang/<int:pk>/", views.illness_toggle, name="illness"),
]

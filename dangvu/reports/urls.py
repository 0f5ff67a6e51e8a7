from django.urls import path

from dangvu.reports import views, word_views

app_name = "reports"

urlpatterns = [
    path("xep-loai/", views.ratings, name="ratings"),
    path("xep-loai/json/", views.ratings_json, name="ratings_json"),
    path("xep-loai/word/", word_views.ratings_word, name="ratings_word"),
    path("xep-loai/to-chuc/", views.org_list, name="orgs"),
]

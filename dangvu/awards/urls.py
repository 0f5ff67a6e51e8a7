from django.urls import path

from dangvu.awards import views

app_name = "awards"

urlpatterns = [
    path("", views.index, name="index"),
    path("tai-excel/", views.export, name="export"),
    path("de-nghi/", views.propose, name="propose"),
    path("quyet-dinh/", views.decide, name="decide"),
    path("quyet-dinh/<int:pk>/", views.decision_detail, name="decision"),
    path("quyet-dinh/<int:pk>/phu-luc.docx", views.decision_annex, name="annex"),
    path("quy-tac/", views.rules, name="rules"),
    path("quy-tac/them/", views.rule_create, name="rule_create"),
    path("quy-tac/<int:pk>/bat-tat/", views.rule_toggle, name="rule_toggle"),
]

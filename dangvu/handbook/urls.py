from django.urls import path

from dangvu.handbook import manage_views, views

app_name = "handbook"

urlpatterns = [
    path("", views.home, name="home"),
    path("ho-so/", views.record, name="record"),
    path("tu-danh-gia/", views.assessments, name="assessments"),
    path("tu-danh-gia/<int:year>/<int:quarter>/", views.assessment, name="assessment"),
    path("tu-danh-gia/<int:year>/<int:quarter>/luu/", views.assessment_save, name="assessment_save"),
    path("tu-danh-gia/<int:year>/<int:quarter>/nop/", views.assessment_submit, name="assessment_submit"),
    path(
        "tu-danh-gia/<int:year>/<int:quarter>/dang-vien/<int:member_pk>/",
        views.assessment_for,
        name="assessment_for",
    ),
    path(
        "tu-danh-gia/<int:year>/<int:quarter>/dang-vien/<int:member_pk>/luu/",
        views.assessment_for_save,
        name="assessment_for_save",
    ),
    path(
        "tu-danh-gia/<int:year>/<int:quarter>/dang-vien/<int:member_pk>/nop/",
        views.assessment_for_submit,
        name="assessment_for_submit",
    ),
    path("tu-danh-gia/<int:pk>/tra-lai/", views.assessment_return, name="assessment_return"),
    path("chi-bo/", views.cell, name="cell"),
    path("tai-lieu/<int:pk>/", views.document, name="document"),
    path("tai-lieu/<int:pk>/go/", manage_views.document_remove, name="document_remove"),
    path("hoi-dap/", views.questions, name="questions"),
    path("hoi-dap/gui/", views.question_ask, name="question_ask"),
    path("quan-ly/", manage_views.manage, name="manage"),
    path("quan-ly/chi-bo/<int:pk>/", manage_views.manage_cell, name="manage_cell"),
    path("quan-ly/chi-bo/<int:pk>/tai-len/", manage_views.upload, name="upload"),
    path("hop-thu/", manage_views.inbox, name="inbox"),
    path("hop-thu/<int:pk>/tra-loi/", manage_views.answer, name="answer"),
    path("thong-bao/", manage_views.notices, name="notices"),
    path("thong-bao/them/", manage_views.notice_create, name="notice_create"),
]

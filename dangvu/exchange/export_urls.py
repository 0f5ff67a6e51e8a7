"""Exports: `/xuat/<list>.xlsx` or `.csv`, with the query string of the list's page."""

from django.urls import path, register_converter

from dangvu.exchange import export_views


class FormatConverter:
    regex = "xlsx|csv"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(FormatConverter, "fmt")

app_name = "exports"

urlpatterns = [
    path("dang-vien.<fmt:fmt>", export_views.members, name="members"),
    path("to-chuc/<int:pk>/truc-thuoc.<fmt:fmt>", export_views.org_children, name="org_children"),
    path("nhat-ky.<fmt:fmt>", export_views.audit, name="audit"),
    path("ky-danh-gia.<fmt:fmt>", export_views.periods, name="periods"),
    path("bao-cao/xep-loai.<fmt:fmt>", export_views.report, name="report"),
    path("bao-cao/xep-loai/to-chuc.<fmt:fmt>", export_views.report_orgs, name="report_orgs"),
]

from django.urls import include, path

from dangvu.accounts import views as account_views

urlpatterns = [
    path("", account_views.home, name="home"),
    path("tai-khoan/", include("dangvu.accounts.urls")),
    path("to-chuc/", include("dangvu.orgs.urls")),
    path("sap-xep/", include("dangvu.restructure.urls")),
    path("dang-vien/", include("dangvu.members.urls")),
    path("danh-gia/", include("dangvu.evaluations.urls")),
    path("bao-cao/", include("dangvu.reports.urls")),
    path("khen-thuong/", include("dangvu.awards.urls")),
    path("ke-hoach/", include("dangvu.plans.urls")),
    path("sinh-hoat/", include("dangvu.meetings.urls")),
    path("cum-thi-dua/", include("dangvu.clusters.urls")),
    path("nhap-xuat/", include("dangvu.exchange.urls")),
    path("xuat/", include("dangvu.exchange.export_urls")),
    path("api/", include("dangvu.api.urls")),
    path("viec-can-lam/", include("dangvu.lifecycle.urls")),
    path("huy-hieu/", include("dangvu.lifecycle.badge_urls")),
    path("nhat-ky/", include("dangvu.audit.urls")),
    path("dang-phi/", include("dangvu.fees.urls")),
    path("so-tay/", include("dangvu.handbook.urls")),
]

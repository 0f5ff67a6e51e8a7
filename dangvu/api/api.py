"""The JSON API, version 1, at /api/v1/ (OpenAPI document at /api/v1/openapi.json, Swagger UI at
/api/v1/docs served from django-ninja's bundled static files, no CDN).

Default deny: every operation needs a bearer token or a logged-in session (see `auth`). Read-only.
"""

from __future__ import annotations

from typing import Any

from ninja import NinjaAPI, Swagger
from ninja.renderers import JSONRenderer

from dangvu.api import errors
from dangvu.api.auth import SessionUserAuth, TokenAuth
from dangvu.api.clusters import router as clusters_router
from dangvu.api.imports import router as imports_router
from dangvu.api.meetings import router as meetings_router
from dangvu.api.members import router as members_router
from dangvu.api.orgs import router as orgs_router
from dangvu.api.plans import router as plans_router
from dangvu.api.ratings import router as ratings_router


class Utf8JSONRenderer(JSONRenderer):
    """Vietnamese text as UTF-8, not as \\u escapes."""

    json_dumps_params: dict[str, Any] = {"ensure_ascii": False}


api = NinjaAPI(
    title="Đảng vụ API",
    version="1",
    description=(
        "API chỉ đọc: tổ chức đảng, đảng viên, sự kiện, xếp loại, báo cáo, lịch sử nhập dữ liệu. Xác thực: "
        "`Authorization: Bearer <token>` (tạo bằng `dangvu apitoken create`) hoặc phiên đăng nhập của trình duyệt "
        '(kèm CSRF với phương thức ghi). Lỗi: `{"code", "message"}`.'
    ),
    urls_namespace="api",
    auth=[TokenAuth(), SessionUserAuth(csrf=True)],
    renderer=Utf8JSONRenderer(),
    docs=Swagger(settings={"persistAuthorization": False}),
)
errors.install(api)
api.add_router("", orgs_router)
api.add_router("", members_router)
api.add_router("", ratings_router)
api.add_router("", imports_router)
api.add_router("", meetings_router)
api.add_router("", plans_router)
api.add_router("", clusters_router)

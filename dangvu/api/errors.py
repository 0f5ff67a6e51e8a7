"""Every API error is `{"code": "...", "message": "..."}`: a stable English code for programs and a
Vietnamese sentence for people (validation errors add `errors`, one per field)."""

from __future__ import annotations

from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

MSG_NOT_FOUND = "Không tìm thấy đối tượng này, hoặc đối tượng nằm ngoài phạm vi của bạn."
MSG_UNAUTHORIZED = "Cần đăng nhập hoặc gửi mã truy cập hợp lệ (Authorization: Bearer <token>)."
MSG_FORBIDDEN = "Bạn không có quyền thực hiện thao tác này."
MSG_CSRF = "Thiếu hoặc sai mã chống giả mạo yêu cầu (CSRF); gửi kèm header X-CSRFToken."
MSG_INVALID = "Tham số không hợp lệ."
MSG_BAD_REQUEST = "Yêu cầu không hợp lệ."
MSG_METHOD = "Phương thức không được hỗ trợ."

# Status → (code, message) for the errors raised by ninja itself.
DEFAULTS = {
    400: ("bad_request", MSG_BAD_REQUEST),
    401: ("unauthorized", MSG_UNAUTHORIZED),
    403: ("forbidden", MSG_FORBIDDEN),
    404: ("not_found", MSG_NOT_FOUND),
    405: ("method_not_allowed", MSG_METHOD),
    422: ("invalid", MSG_INVALID),
}


class ApiError(HttpError):
    """An error our handlers raise on purpose, with its code and message."""

    def __init__(self, status_code: int, code: str, message: str) -> None:
        super().__init__(status_code, message)
        self.code = code
        self.message = message


def not_found() -> ApiError:
    return ApiError(404, "not_found", MSG_NOT_FOUND)


def _body(code: str, message: str, **extra: Any) -> dict[str, Any]:
    return {"code": code, "message": message, **extra}


def _field(loc: Any) -> str:
    # ninja prefixes the location with the parameter source ("query", "path") and the schema name.
    parts = [str(part) for part in (loc or [])]
    while parts and parts[0] in {"query", "path", "body", "header", "cookie", "filters", "params"}:
        parts = parts[1:]
    return ".".join(parts)


def install(api: NinjaAPI) -> None:
    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc, ApiError):
            body = _body(exc.code, exc.message)
        elif isinstance(exc, AuthenticationError):
            body = _body("unauthorized", MSG_UNAUTHORIZED)
        elif exc.status_code == 403 and "CSRF" in str(exc):
            body = _body("csrf_failed", MSG_CSRF)
        else:
            body = _body(*DEFAULTS.get(exc.status_code, ("error", MSG_BAD_REQUEST)))
        return api.create_response(request, body, status=exc.status_code)

    def validation_error(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        errors = [{"field": _field(error.get("loc")), "message": str(error.get("msg", ""))} for error in exc.errors]
        return api.create_response(request, _body("invalid", MSG_INVALID, errors=errors), status=422)

    def http404(request: HttpRequest, exc: Http404) -> HttpResponse:
        return api.create_response(request, _body("not_found", MSG_NOT_FOUND), status=404)

    api.add_exception_handler(HttpError, http_error)  # type: ignore[arg-type]
    api.add_exception_handler(ValidationError, validation_error)  # type: ignore[arg-type]
    api.add_exception_handler(Http404, http404)  # type: ignore[arg-type]

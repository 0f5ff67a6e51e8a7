"""Django settings for dangvu.

Every setting that differs between machines comes from an environment variable (see README,
"Cấu hình"). There is no fallback secret: `DANGVU_SECRET_KEY` must be set; the `dangvu` command
creates one for a local demo install in the data directory.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("DANGVU_DATA_DIR", Path.cwd() / "var")).resolve()

SECRET_KEY = os.environ.get("DANGVU_SECRET_KEY", "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "DANGVU_SECRET_KEY chưa được đặt. Đặt biến môi trường này (chuỗi ngẫu nhiên dài) trước khi chạy."
    )

DEBUG = _env_bool("DANGVU_DEBUG")
ALLOWED_HOSTS = _env_list("DANGVU_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = _env_list("DANGVU_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "axes",
    "dangvu.lib",
    "dangvu.accounts",
    "dangvu.audit",
    "dangvu.orgs",
    "dangvu.members",
    "dangvu.evaluations",
    "dangvu.reports",
    "dangvu.tallies",
    "dangvu.exchange",
    "dangvu.awards",
    "dangvu.meetings",
    "dangvu.clusters",
    "dangvu.fees",
    "dangvu.api",
    "dangvu.lifecycle",
    "dangvu.plans",
    "dangvu.restructure",
    "dangvu.handbook",
    "ninja",  # its bundled Swagger UI files: the API docs page loads nothing from a CDN
    "dangvu.demo",
    "dangvu.synth",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "dangvu.lib.middleware.RejectNulMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # The member role reaches only the handbook, the account pages and its own record (else 404).
    "dangvu.handbook.middleware.MemberConfinementMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "dangvu.urls"
WSGI_APPLICATION = "dangvu.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DATA_DIR / 'dangvu.sqlite3'}",
        conn_max_age=int(os.environ.get("DANGVU_DB_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while one writer writes; the demo server and a CLI import can overlap.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;", "timeout": 20}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Startup options of every PostgreSQL connection. By default JIT compilation is off: the app's
    # queries are short, and on grouped subtree counts PostgreSQL's cost estimate triggers JIT, whose
    # compile time (hundreds of ms to seconds on large CASE expressions) exceeds the query itself.
    # Parallel workers are off too: a page's queries read hundreds of rows, and a parallel plan takes the
    # cores other requests wait for (`dangvu.lib.parallel`; rebuilds from scratch allow them again).
    # Empty = the server's own settings (e.g. behind PgBouncer, which refuses startup options: there,
    # `ALTER ROLE … SET jit = off` and `… SET max_parallel_workers_per_gather = 0` do the same).
    pg_options = os.environ.get("DANGVU_DB_PG_OPTIONS", "-c jit=off -c max_parallel_workers_per_gather=0").strip()
    if pg_options:
        DATABASES["default"].setdefault("OPTIONS", {})["options"] = pg_options
# Behind PgBouncer in transaction mode server-side cursors do not survive between statements.
DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = os.environ.get("DANGVU_DB_NO_SERVER_CURSORS", "0") == "1"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# The page caches (`dangvu.tallies.cache`: the tree and rating report of the root and the provinces, keyed
# on the tallies' generation). PostgreSQL: a table of that database (`dangvu migrate` creates it), shared
# by every worker and host, so each changed page is counted once. SQLite: each process's memory (a cache
# write would be a write transaction on the single-writer file).
CACHE_TABLE = "dangvu_cache"
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": CACHE_TABLE,
            "OPTIONS": {"MAX_ENTRIES": 2000},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "dangvu"}}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 8}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Login throttling (django-axes): after N failures for one username from one address the account is
# locked for that address for the cool-off time.
AXES_FAILURE_LIMIT = int(os.environ.get("DANGVU_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("DANGVU_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_LOCKOUT_TEMPLATE = "accounts/locked.html"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False

LANGUAGE_CODE = "vi"
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(os.environ.get("DANGVU_STATIC_ROOT", DATA_DIR / "static"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Serve straight from the app folders too, so a checkout works before `collectstatic`.
WHITENOISE_USE_FINDERS = True

# The handbook's cell documents (PDF/DOCX, checked by content): where they are kept and the size limit.
HANDBOOK_DOCUMENTS_DIR = Path(os.environ.get("DANGVU_DOCUMENTS_DIR", DATA_DIR / "tai-lieu"))
HANDBOOK_UPLOAD_MAX_BYTES = int(float(os.environ.get("DANGVU_UPLOAD_MAX_MB", "10")) * 1024 * 1024)

SESSION_COOKIE_AGE = int(os.environ.get("DANGVU_SESSION_HOURS", "10")) * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# Behind HTTPS (production): secure cookies, HSTS and redirects. Off for the localhost demo.
if _env_bool("DANGVU_HTTPS"):
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_SSL_REDIRECT = _env_bool("DANGVU_SSL_REDIRECT", True)
    SECURE_HSTS_SECONDS = int(os.environ.get("DANGVU_HSTS_SECONDS", str(365 * 24 * 3600)))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = _env_bool("DANGVU_HSTS_PRELOAD", True)
    if _env_bool("DANGVU_BEHIND_PROXY", True):
        SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("DANGVU_LOG_LEVEL", "WARNING")},
}

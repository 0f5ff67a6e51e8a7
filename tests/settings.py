"""Settings for the test suite: the production settings plus a throwaway key and a fast hasher.

DATABASE_URL chooses the database as in production (scripts/test.sh runs the suite on SQLite, then
on PostgreSQL).
"""

import os

os.environ.setdefault("DANGVU_SECRET_KEY", "only-for-the-test-suite-" + "x" * 40)

from dangvu.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# WhiteNoise looks at STATIC_ROOT when it starts; the suite serves from the app folders instead.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # noqa: F405

# Each test process keeps its page caches in memory (tests/conftest.py empties them before each test):
# tests of different databases never share an entry.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "tests"}}

"""WSGI entry point: `gunicorn dangvu.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "dangvu.settings")
application = get_wsgi_application()

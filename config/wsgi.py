"""WSGI entry point.

Everything a request needs is loaded here, at start-up, rather than by the first requests: the URL
configuration (which imports every app's views and builds the API's schemas). Under ``gunicorn --preload``
this happens once, before the workers fork, so they share it and none of them pays for it while serving.
"""

import os

from django.core.wsgi import get_wsgi_application
from django.db import connections
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_wsgi_application()
get_resolver().url_patterns  # noqa: B018 — imports the URL configuration now
connections.close_all()  # no database connection may be inherited by forked workers

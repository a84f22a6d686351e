"""Celery app. Redis carries only its messages; state lives in PostgreSQL.

Settings come from Django's (``CELERY_*``), with short broker timeouts so that publishing
from a request can never hang on a Redis outage.
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "itband.settings")

app = Celery("itband")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

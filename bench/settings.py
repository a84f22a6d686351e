"""The product's settings plus one bare URL, /bench/floor/, the floor every page is compared to.

Production code stays untouched: only the benchmark's gunicorn runs with
DJANGO_SETTINGS_MODULE=bench.settings.
"""

from itband.settings import *  # noqa: F403

ROOT_URLCONF = "bench.urls"

"""Static files with hashed names (whitenoise), each name's URL looked up once per process.

Every page links six static files; the manifest lookup and URL join behind each ``{% static %}``
were a visible share of a fast page's time. The manifest is read when the process starts and a
deployment replaces the process, so a name's URL cannot change while the process runs.
"""

from functools import lru_cache

from whitenoise.storage import CompressedManifestStaticFilesStorage


class StaticStorage(CompressedManifestStaticFilesStorage):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._url_of = lru_cache(maxsize=512)(super().url)

    def url(self, name, force=False):
        if force:
            return super().url(name, force=True)
        return self._url_of(name)

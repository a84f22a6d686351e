"""itband.static_storage: whitenoise's hashed names, each URL looked up once per process."""

import pytest
from django.core.management import call_command

from itband.static_storage import StaticStorage


@pytest.fixture
def collected(tmp_path, settings):
    settings.STATIC_ROOT = tmp_path
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "itband.static_storage.StaticStorage"},
    }
    call_command("collectstatic", interactive=False, verbosity=0)
    return tmp_path


def test_urls_are_the_hashed_names_and_looked_up_once(collected, monkeypatch):
    storage = StaticStorage(location=collected)
    url = storage.url("css/site.css")
    assert (
        url.startswith("/static/css/site.")
        and url.endswith(".css")
        and url != "/static/css/site.css"
    )
    assert (collected / url.removeprefix("/static/")).exists()

    def no_second_lookup(*args, **kwargs):
        raise AssertionError("looked up again")

    monkeypatch.setattr(storage, "stored_name", no_second_lookup)
    assert storage.url("css/site.css") == url
    with pytest.raises(AssertionError):
        storage.url("js/site.js")  # another name is looked up


def test_a_missing_file_is_still_an_error_every_time(collected):
    storage = StaticStorage(location=collected)
    for _ in range(2):
        with pytest.raises(ValueError, match="Missing staticfiles manifest entry"):
            storage.url("css/no-such-file.css")

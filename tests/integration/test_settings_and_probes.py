"""Production settings, and the site's answer when its database is unreachable.

Each case runs Django in a fresh process with its own environment, as a deployment would.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import free_port

ROOT = Path(__file__).resolve().parents[2]

PRODUCTION_ENV = {
    "APP_ENV": "production",
    "SECRET_KEY": "k3Y-" + "x9ZqL2vR8tW4nB6mC1pD7sF0gH5jK3aE" * 2,
    "DATABASE_URL": "postgres://clinic@127.0.0.1:5432/clinic",
    "REDIS_URL": "redis://127.0.0.1:6379/0",
    "ALLOWED_HOSTS": "clinic.example.com",
}


# The test run's own database, broker and async switch must not leak into a "deployment".
NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE"}


def clean_env(env: dict) -> dict:
    return {**{k: v for k, v in os.environ.items() if k not in NOT_INHERITED}, **env}


def run_python(code: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=clean_env(env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def manage(*args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env(env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_production_refuses_to_start_without_a_secret_key():
    env = {**PRODUCTION_ENV, "SECRET_KEY": ""}
    result = run_python(
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='itband.settings'; django.setup()",
        env,
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_check_deploy_is_clean_with_production_variables():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_seed_demo_refuses_production():
    result = manage("seed_demo", env=PRODUCTION_ENV)
    assert result.returncode != 0
    assert "refuses to run in production" in result.stderr


PROBE = """
import django, json, os
os.environ['DJANGO_SETTINGS_MODULE'] = 'itband.settings'
django.setup()
from django.test import Client
client = Client()
out = {}
for url in ('/healthz', '/readyz', '/', '/privacy/'):
    response = client.get(url)
    out[url] = [response.status_code, response.get('Retry-After'), response.content.decode()[:4000]]
print(json.dumps(out))
"""


def test_unreachable_database_answers_503_with_retry_after():
    # PostgreSQL settings pointing at a loopback port where nothing listens.
    env = {"APP_ENV": "test", "DATABASE_URL": f"postgres://nobody@127.0.0.1:{free_port()}/none"}
    result = run_python(PROBE, env)
    assert result.returncode == 0, result.stderr
    pages = json.loads(result.stdout.strip().splitlines()[-1])
    assert pages["/healthz"][0] == 200
    for url in ("/readyz", "/", "/privacy/"):
        status, retry_after, _body = pages[url]
        assert status == 503, url
        assert retry_after == "30", url
    assert "back in a moment" in pages["/"][2]

"""Process fixtures for the fault tests: app servers (gunicorn), Celery workers, and a Redis and
a PostgreSQL cluster of their own that a test may stop and start.

Every process is started on loopback, logs to the test's tmp_path, and is stopped by its PID
in the fixture's teardown (SIGTERM, then SIGKILL of its own process group). The suite's own
PostgreSQL and Redis are never stopped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from itband.celery import app as celery_app
from tests.conftest import free_port

from .support import ROOT, Browser, child_env, wait_for

PGBIN = Path(os.environ.get("PGBIN", "/usr/lib/postgresql/15/bin"))


def stop_processes(processes: list[subprocess.Popen], *, grace: float = 8) -> None:
    """SIGTERM each by PID (all at once, then wait), then SIGKILL of the process group we
    gave each one (start_new_session): leftovers such as gunicorn workers or embedded beat."""
    for process in processes:
        if process.poll() is None:
            process.terminate()
    deadline = time.monotonic() + grace
    for process in processes:
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
    for process in processes:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(process.pid, signal.SIGKILL)
        if process.poll() is None:
            process.wait(timeout=5)


def log_tail(path: Path, chars: int = 3000) -> str:
    return path.read_text(errors="replace")[-chars:] if path.exists() else ""


@pytest.fixture
def test_database_url(requires_postgres, transactional_db) -> str:
    """The pytest-django test database, as a URL for a child process (committed rows only)."""
    db = connection.settings_dict
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{quote(db['USER'])}{password}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


# --- app servers ----------------------------------------------------------------------------------
@dataclass
class AppServer:
    url: str
    process: subprocess.Popen
    log: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def browser(self, *, timeout: float = 30) -> Browser:
        return Browser(self.url, timeout=timeout)


@pytest.fixture
def app_server(test_database_url, requires_redis, tmp_path) -> Iterator:
    """Start gunicorn servers: ``app_server(database_url=..., redis_url=...) -> AppServer``.

    Defaults: the pytest-django test database and the suite's Redis. Waits for /healthz.
    """
    started: list[AppServer] = []

    def start(
        *,
        database_url: str | None = None,
        redis_url: str | None = None,
        workers: int = 2,
        threads: int = 8,
    ) -> AppServer:
        n = len(started) + 1
        port = free_port()
        log = tmp_path / f"app{n}.log"
        env = child_env(
            DATABASE_URL=database_url or test_database_url,
            REDIS_URL=redis_url or requires_redis,
            VAR_DIR=str(tmp_path / f"app{n}-var"),
            EMAIL_BACKEND="django.core.mail.backends.filebased.EmailBackend",
            EMAIL_FILE_PATH=str(tmp_path / f"app{n}-mail"),
        )
        with log.open("wb") as out:
            process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "tests.clock",  # on this test's clock (tests/clock.py)
                    "gunicorn",
                    "itband.wsgi:application",
                    f"--bind=127.0.0.1:{port}",
                    f"--workers={workers}",
                    "--worker-class=gthread",
                    f"--threads={threads}",
                    "--timeout=30",
                    "--graceful-timeout=3",
                    "--preload",
                    "--log-level=warning",
                ],
                cwd=ROOT,
                env=env,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        server = AppServer(url=f"http://127.0.0.1:{port}", process=process, log=log)
        started.append(server)

        def healthy() -> bool:
            assert process.poll() is None, f"app server exited:\n{log_tail(log)}"
            try:
                return server.browser(timeout=1).get("/healthz").status == 200
            except OSError:
                return False

        assert wait_for(healthy, timeout=30, interval=0.1), f"no /healthz:\n{log_tail(log)}"
        return server

    try:
        yield start
    finally:
        stop_processes([server.process for server in started])
        for server in started:
            print(f"--- app server {server.url} log:\n{log_tail(server.log)}")


# --- Celery workers -------------------------------------------------------------------------------
@dataclass
class Worker:
    name: str
    process: subprocess.Popen
    log: Path
    mail_dir: Path

    @property
    def pid(self) -> int:
        return self.process.pid

    def wait_ready(self, timeout: float = 30) -> None:
        def ready() -> bool:
            assert self.process.poll() is None, f"worker exited:\n{log_tail(self.log)}"
            return f"{self.name}@" in (text := log_tail(self.log, 100_000)) and " ready." in text

        assert wait_for(ready, timeout=timeout, interval=0.1), f"not ready:\n{log_tail(self.log)}"

    def kill(self) -> None:
        """SIGKILL by PID, as an OOM killer or a lost host would."""
        os.kill(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)


@pytest.fixture
def celery_worker(test_database_url, requires_redis, tmp_path) -> Iterator:
    """Start Celery workers (solo pool): ``celery_worker(name=..., queues=..., beat=...)``.

    Each writes mail to its own directory (file backend) unless ``smtp_port`` is given. The
    broker's default queue is purged before the first worker on it starts.
    """
    started: list[Worker] = []
    purged: set[str] = set()

    def start(
        *,
        name: str | None = None,
        queues: tuple[str, ...] = ("celery",),
        redis_url: str | None = None,
        beat: bool = False,
        smtp_port: int | None = None,
        env: dict[str, str] | None = None,
    ) -> Worker:
        name = name or f"w{len(started) + 1}"
        broker = redis_url or requires_redis
        if broker not in purged:
            # Earlier tests' after-commit nudges may wait in the queue; start from an empty one.
            with celery_app.connection_for_write(broker) as conn:
                celery_app.control.purge(connection=conn)
            purged.add(broker)
        mail_dir = tmp_path / f"{name}-mail"
        log = tmp_path / f"{name}.log"
        mail = (
            {
                "EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend",
                "EMAIL_HOST": "127.0.0.1",
                "EMAIL_PORT": str(smtp_port),
                "EMAIL_USE_TLS": "false",
                "EMAIL_TIMEOUT": "20",
            }
            if smtp_port
            else {
                "EMAIL_BACKEND": "django.core.mail.backends.filebased.EmailBackend",
                "EMAIL_FILE_PATH": str(mail_dir),
            }
        )
        command = [
            sys.executable,
            "-m",
            "tests.clock",  # on this test's clock (tests/clock.py)
            "celery",
            "-A",
            "itband",
            "worker",
            "--pool=solo",
            "--concurrency=1",
            "--loglevel=INFO",
            "--without-heartbeat",
            "--without-mingle",
            "--without-gossip",
            f"--hostname={name}@faults",
            f"--queues={','.join(queues)}",
        ]
        if beat:
            command += ["--beat", f"--schedule={tmp_path / f'{name}-beat-schedule'}"]
        child = child_env(
            DATABASE_URL=test_database_url,
            REDIS_URL=broker,
            VAR_DIR=str(tmp_path / f"{name}-var"),
            **mail,
            **(env or {}),
        )
        with log.open("wb") as out:
            process = subprocess.Popen(
                command,
                cwd=ROOT,
                env=child,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        worker = Worker(name=name, process=process, log=log, mail_dir=mail_dir)
        started.append(worker)
        return worker

    try:
        yield start
    finally:
        stop_processes([worker.process for worker in started])
        for worker in started:
            print(f"--- worker {worker.name} log:\n{log_tail(worker.log)}")


# --- a Redis of the test's own --------------------------------------------------------------------
@dataclass
class RedisServer:
    port: int
    workdir: Path
    process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process else None

    def start(self) -> None:
        assert self.process is None or self.process.poll() is not None, "already running"
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        import redis

        client = redis.Redis(port=self.port, socket_connect_timeout=0.2, socket_timeout=0.2)

        def answers() -> bool:
            try:
                return bool(client.ping())
            except redis.RedisError:
                return False

        assert wait_for(answers, timeout=10, interval=0.05), "second Redis did not start"
        client.close()

    def stop(self) -> None:
        """SIGKILL by PID: the broker vanishes, as in a crash."""
        if self.process is not None and self.process.poll() is None:
            os.kill(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)


@pytest.fixture
def second_redis(tmp_path) -> Iterator[RedisServer]:
    if shutil.which("redis-server") is None:
        pytest.skip("needs redis-server (make test installs it)")
    workdir = tmp_path / "redis2"
    workdir.mkdir()
    server = RedisServer(port=free_port(), workdir=workdir)
    try:
        server.start()
        yield server
    finally:
        if server.process is not None:
            stop_processes([server.process], grace=5)


# --- a PostgreSQL cluster of the test's own -------------------------------------------------------
def as_postgres(*command: str) -> list[str]:
    """initdb and pg_ctl refuse to run as root: run them as the postgres user then."""
    if os.geteuid() == 0:
        return ["runuser", "-u", "postgres", "--", *command]
    return list(command)


@dataclass
class PostgresCluster:
    root: Path
    port: int

    @property
    def data(self) -> Path:
        return self.root / "data"

    @property
    def url(self) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/postgres"

    @property
    def pid(self) -> int | None:
        pidfile = self.data / "postmaster.pid"
        try:
            return int(pidfile.read_text().split("\n", 1)[0])
        except (FileNotFoundError, ValueError):
            return None

    def init(self) -> None:
        subprocess.run(
            as_postgres(
                str(PGBIN / "initdb"),
                "-D",
                str(self.data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def start(self) -> None:
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=50"
        )
        subprocess.run(
            as_postgres(
                str(PGBIN / "pg_ctl"),
                "-D",
                str(self.data),
                "-l",
                str(self.root / "server.log"),
                "-w",
                "-t",
                "30",
                "-o",
                options,
                "start",
            ),
            check=True,
            capture_output=True,
            timeout=60,
        )

    def stop(self, *, sig: int = signal.SIGINT, timeout: float = 20) -> None:
        """Stop the postmaster by PID (SIGINT: PostgreSQL's fast shutdown) and wait for it."""
        pid = self.pid
        if pid is None:
            return
        try:
            os.kill(pid, sig)
        except ProcessLookupError:
            return
        # The postmaster removes its pid file on exit (it is not our child: no waitpid).
        assert wait_for(lambda: self.pid is None, timeout=timeout, interval=0.05), (
            "second PostgreSQL did not stop"
        )


@pytest.fixture
def second_postgres() -> Iterator[PostgresCluster]:
    if not (PGBIN / "initdb").exists():
        pytest.skip(f"needs PostgreSQL binaries in {PGBIN} (PGBIN)")
    root = Path(tempfile.mkdtemp(prefix="itband-faults-pg.", dir="/tmp"))
    if os.geteuid() == 0:
        shutil.chown(root, "postgres", "postgres")
    cluster = PostgresCluster(root=root, port=free_port())
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        try:
            cluster.stop(sig=signal.SIGQUIT, timeout=10)  # immediate shutdown
        finally:
            shutil.rmtree(root, ignore_errors=True)

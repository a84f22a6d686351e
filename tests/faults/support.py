"""Helpers for the fault tests: a tiny cookie-keeping HTTP client, a booking through the public
flow, mail counting, and an SMTP sink that can hold its final reply.

Standard library only, loopback only.
"""

from __future__ import annotations

import http.client
import os
import re
import socketserver
import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode, urlsplit

ROOT = Path(__file__).resolve().parents[2]
# The suite's own servers and async switch must not leak into a process we start.
NOT_INHERITED = {"DATABASE_URL", "REDIS_URL", "DJANGO_ALLOW_ASYNC_UNSAFE", "EMAIL_BACKEND"}


def child_env(**overrides: str) -> dict[str, str]:
    """The environment of a process we start: the test settings, rate limits off."""
    env = {k: v for k, v in os.environ.items() if k not in NOT_INHERITED}
    env.update(APP_ENV="test", RATE_LIMITS_ENABLED="false", PYTHONUNBUFFERED="1", **overrides)
    return env


JUST_TAKEN = "That time was just taken"
CONFIRMED = "You're booked"
FRIENDLY_503 = "back in a moment"

DETAILS = {
    "first_name": "Riley",
    "last_name": "Runner",
    "phone": "(301) 555-0100",
    "date_of_birth": "1990-04-23",
    "accept_policy": "on",
}


@dataclass(frozen=True)
class Page:
    status: int
    headers: dict[str, str]
    text: str
    elapsed: float

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())


class Browser:
    """One runner's browser: its own cookies, a fresh loopback connection per request.

    ``timeout`` bounds every socket operation; ``elapsed`` lets a test bound the whole request.
    """

    def __init__(
        self, base_url: str, *, timeout: float = 30, headers: dict[str, str] | None = None
    ) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "127.0.0.1"
        self.port = parts.port or 80
        self.timeout = timeout
        self.cookies: dict[str, str] = {}
        # Sent with every request, e.g. what a TLS-terminating proxy adds.
        self.headers = dict(headers or {})

    def request(self, method: str, path: str, data: dict | None = None) -> Page:
        headers = dict(self.headers)
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if data is not None:
            body = urlencode(data)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.monotonic()
        connection = http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            text = response.read().decode("utf-8", errors="replace")
            for raw in response.headers.get_all("Set-Cookie") or ():
                for name, morsel in SimpleCookie(raw).items():
                    self.cookies[name] = morsel.value
            received = {k.lower(): v for k, v in response.getheaders()}
            return Page(response.status, received, text, time.monotonic() - started)
        finally:
            connection.close()

    def get(self, path: str) -> Page:
        return self.request("GET", path)

    def post(self, path: str, data: dict) -> Page:
        return self.request("POST", path, data)


def hidden_value(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]*)"', html)
    assert match, f"no hidden {name!r} in the page"
    return match.group(1)


def selection(location_slug: str, start: datetime) -> dict[str, str]:
    return {
        "location": location_slug,
        "type": "initial-evaluation",
        "clinician": "any",
        "start": start.isoformat(),
        "safety": "none",  # the safety question answered "None of these"
    }


@dataclass
class BookingAttempt:
    """The details page already fetched (CSRF cookie and token, booking key): ready to POST."""

    browser: Browser
    form: dict[str, str]

    def submit(self) -> Page:
        return self.browser.post("/book/details/", self.form)


def open_details(
    browser: Browser, location_slug: str, start: datetime, email: str
) -> BookingAttempt:
    chosen = selection(location_slug, start)
    page = browser.get("/book/details/?" + urlencode(chosen))
    assert page.status == 200, (page.status, page.text[:500])
    form = {
        **chosen,
        **DETAILS,
        "email": email,
        "csrfmiddlewaretoken": hidden_value(page.text, "csrfmiddlewaretoken"),
        "booking_key": hidden_value(page.text, "booking_key"),
    }
    return BookingAttempt(browser, form)


def mail_keys(directories: Iterable[Path]) -> Counter:
    """How many times each Outbox key was written by the file mail backends."""
    counts: Counter = Counter()
    for directory in directories:
        if not directory.exists():
            continue
        for path in directory.iterdir():
            counts.update(re.findall(r"^X-Outbox-Key: (\S+)", path.read_text(), flags=re.M))
    return counts


def wait_for(condition: Callable[[], object], *, timeout: float, interval: float = 0.2):
    """Poll until ``condition()`` is truthy; returns its last value (falsy on timeout)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(interval)


# --- SMTP sink ----------------------------------------------------------------------------------
class _SmtpHandler(socketserver.StreamRequestHandler):
    timeout = 30

    def reply(self, line: str) -> None:
        self.wfile.write(line.encode() + b"\r\n")
        self.wfile.flush()

    def handle(self) -> None:
        sink: SmtpSink = self.server.sink  # type: ignore[attr-defined]
        try:
            self.reply("220 sink.test ESMTP")
            while True:
                line = self.rfile.readline()
                if not line:
                    return
                verb = line.decode(errors="replace").strip()[:4].upper()
                if verb == "EHLO":
                    self.wfile.write(b"250-sink.test\r\n250 8BITMIME\r\n")
                elif verb in {"HELO", "MAIL", "RCPT", "RSET", "NOOP"}:
                    self.reply("250 OK")
                elif verb == "DATA":
                    self.reply("354 End data with <CR><LF>.<CR><LF>")
                    lines = []
                    while (chunk := self.rfile.readline()) not in {b".\r\n", b""}:
                        lines.append(chunk)
                    # The message is in the sink now (a real server would have queued it);
                    # only the final 250 may be held back.
                    sink.received(b"".join(lines).decode(errors="replace"))
                    self.reply("250 OK queued")
                elif verb == "QUIT":
                    self.reply("221 Bye")
                    return
                else:
                    self.reply("502 Command not implemented")
        except OSError:
            return  # the client went away (e.g. a killed worker)


class _Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True


class SmtpSink:
    """A loopback SMTP server recording each message's X-Outbox-Key when its data arrives.

    With ``hold_at=n`` the n-th message's final ``250`` waits until ``release`` is set, and
    ``in_flight`` tells the test that a sender is blocked between the accept and the reply.
    """

    def __init__(self, *, hold_at: int | None = None) -> None:
        self.hold_at = hold_at
        self.deliveries: list[str] = []
        self.held_key: str | None = None
        self.in_flight = threading.Event()
        self.release = threading.Event()
        self._lock = threading.Lock()
        self._server = _Server(("127.0.0.1", 0), _SmtpHandler)
        self._server.sink = self  # type: ignore[attr-defined]
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def received(self, message: str) -> None:
        match = re.search(r"^X-Outbox-Key: (\S+)", message, flags=re.M)
        key = match.group(1) if match else "?"
        with self._lock:
            self.deliveries.append(key)
            hold = self.hold_at is not None and len(self.deliveries) == self.hold_at
            if hold:
                self.held_key = key
        if hold:
            self.in_flight.set()
            self.release.wait(timeout=30)

    def counts(self) -> Counter:
        with self._lock:
            return Counter(self.deliveries)

    def __enter__(self) -> SmtpSink:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.release.set()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)

"""The client address behind our own proxies, and the attacks of issue #12 that a client-chosen
X-Forwarded-For made possible: rotating it to guess a password without lockout, choosing it to
lock real staff out, rotating it to pass the public forms' rate limit.

Each attack runs in both forms of the header: "1.2.3.N" (as a client writes it when it reaches
the app directly, or as one proxy of ours writes it for a client at that address) and
"1.2.3.N, 127.0.0.1" (a client-written address, then what our proxy appended).
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import time_machine
from django.core.cache import cache, caches
from django.test import Client, RequestFactory

from assessments.models import Submission
from itband.http import client_ip
from itband.models import AuditEvent
from tests.factories import TEST_PASSWORD, StaffFactory

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"
PROXY = "127.0.0.1"  # REMOTE_ADDR of every request: our reverse proxy on the same host
# Mid-hour, so the hourly counters of a test never straddle two hours.
PINNED = datetime(2026, 5, 12, 14, 20, tzinfo=UTC)


@pytest.fixture(autouse=True)
def pinned_clock():
    with time_machine.travel(PINNED, tick=True):
        yield


def behind_proxies(settings, count: int) -> None:
    settings.TRUSTED_PROXY_COUNT = count
    settings.AXES_ENABLED = True
    cache.clear()
    caches["login_throttle"].clear()


def header(form: str, n: int, appended: str = PROXY) -> str:
    """The two shapes of the issue: 'rotating' is 1.2.3.N alone; 'appended' adds our proxy's."""
    return f"1.2.3.{n}" if form == "rotating" else f"1.2.3.{n}, {appended}"


# --- client_ip --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (0, "", "10.0.0.1"),
        (0, "1.2.3.4", "10.0.0.1"),  # no proxies of ours: the header is the client's word
        (0, "1.2.3.4, 5.6.7.8", "10.0.0.1"),
        (1, "", "10.0.0.1"),  # reached the app without the proxy: its peer
        (1, "1.2.3.4", "1.2.3.4"),
        (1, "1.2.3.4, 5.6.7.8", "5.6.7.8"),  # never the leftmost
        (1, "9.9.9.9, 1.2.3.4, 5.6.7.8", "5.6.7.8"),
        (2, "9.9.9.9, 1.2.3.4, 5.6.7.8", "1.2.3.4"),
        (2, "5.6.7.8", "10.0.0.1"),  # fewer hops than proxies: not trusted
        (1, "1.2.3.4, not-an-address", "10.0.0.1"),  # malformed: the nearest proxy
        (1, "1.2.3.4, 5.6.7.8:443", "10.0.0.1"),
        (1, "1.2.3.4,", "10.0.0.1"),
        (1, "1.2.3.4,  2001:db8::7 ", "2001:db8::7"),
        (1, "<script>", "10.0.0.1"),
    ],
)
def test_client_ip_counts_hops_from_the_right(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


NETWORKS = ("10.0.0.0/8", "192.168.0.0/16")


@pytest.mark.parametrize(
    ("remote", "forwarded", "expected"),
    [
        ("10.0.0.1", "", "10.0.0.1"),
        ("10.0.0.1", "1.2.3.4", "1.2.3.4"),  # "rotating": one address, as our proxy wrote it
        ("10.0.0.1", "1.2.3.4, 5.6.7.8", "5.6.7.8"),  # never the client-written left end
        ("10.0.0.1", "1.2.3.4, 10.9.9.9", "1.2.3.4"),  # "appended": our inner proxy skipped
        ("10.0.0.1", "9.9.9.9, 1.2.3.4, 192.168.1.1, 10.2.2.2", "1.2.3.4"),
        ("10.0.0.1", "10.1.1.1, 192.168.1.1", "10.0.0.1"),  # only proxies: the peer
        ("5.5.5.5", "1.2.3.4", "5.5.5.5"),  # a peer outside our networks: header ignored
        ("5.5.5.5", "1.2.3.4, 10.0.0.7", "5.5.5.5"),
        ("10.0.0.1", "1.2.3.4, not-an-address", "10.0.0.1"),  # malformed: the peer
        ("10.0.0.1", "1.2.3.4, 5.6.7.8:443", "10.0.0.1"),
        ("10.0.0.1", "1.2.3.4,", "10.0.0.1"),
        ("10.0.0.1", "<script>", "10.0.0.1"),
        ("10.0.0.1", "1.2.3.4,  2001:db8::7 ", "2001:db8::7"),
        ("::ffff:10.0.0.1", "1.2.3.4", "1.2.3.4"),  # an IPv4 peer on a dual-stack socket
    ],
)
def test_client_ip_walks_past_trusted_networks(settings, remote, forwarded, expected):
    import ipaddress

    settings.TRUSTED_PROXY_NETWORKS = tuple(ipaddress.ip_network(n) for n in NETWORKS)
    settings.TRUSTED_PROXY_COUNT = 5  # the networks win when both are set
    request = RequestFactory().get("/", REMOTE_ADDR=remote, HTTP_X_FORWARDED_FOR=forwarded)
    assert client_ip(request) == expected


@pytest.mark.parametrize(
    ("peer", "form"), [(PROXY, "rotating"), (PROXY, "appended"), ("10.0.0.9", "appended")]
)
def test_a_new_header_per_guess_is_one_client_behind_trusted_networks(
    settings, clinician_user, peer, form
):
    """The lockout attack of issue #12 with TRUSTED_PROXY_NETWORKS, in both header forms: from
    a peer outside the networks the header is ignored; through our proxy (inside), only the
    address it appended (the client's real one) counts, never what the client wrote."""
    import ipaddress

    behind_proxies(settings, 0)
    settings.TRUSTED_PROXY_NETWORKS = (ipaddress.ip_network("10.0.0.0/8"),)
    client = Client(REMOTE_ADDR=peer)
    statuses = [
        sign_in(client, "clin1", f"wrong-{n}-password", header(form, n, "8.8.8.8")).status_code
        for n in range(12)
    ]
    assert statuses[:4] == [200] * 4 and set(statuses[5:]) <= {403, 429}
    response = sign_in(client, "clin1", TEST_PASSWORD, header(form, 99, "8.8.8.8"))
    assert response.status_code in (403, 429)
    assert not AuditEvent.objects.filter(action="login").exists()


@pytest.mark.parametrize("value", ["10.0.0.0/33", "not-a-network"])
def test_invalid_proxy_networks_refuse_to_start(value):
    from tests.integration.test_settings_and_probes import run_python

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='itband.settings'; django.setup()"
    )
    result = run_python(code, {"APP_ENV": "test", "TRUSTED_PROXY_NETWORKS": value})
    assert result.returncode != 0 and "TRUSTED_PROXY_NETWORKS" in result.stderr


@pytest.mark.parametrize("value", ["-1", "one", "99"])
def test_an_invalid_proxy_count_refuses_to_start(value):
    from tests.integration.test_settings_and_probes import run_python

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='itband.settings'; django.setup()"
    )
    result = run_python(code, {"APP_ENV": "test", "TRUSTED_PROXY_COUNT": value})
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT must be a whole number" in result.stderr


def test_the_old_setting_counts_as_one_proxy_and_is_flagged():
    from tests.integration.test_settings_and_probes import manage, run_python

    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE']='itband.settings'; "
        "django.setup(); from django.conf import settings; print(settings.TRUSTED_PROXY_COUNT)"
    )
    env = {"APP_ENV": "test", "TRUST_X_FORWARDED_FOR": "true"}
    assert run_python(code, env).stdout.strip() == "1"
    assert run_python(code, {"APP_ENV": "test"}).stdout.strip() == "0"
    checked = manage("check", env=env)
    assert "itband.W001" in checked.stderr + checked.stdout


# --- Guessing a password with a new header each time ------------------------------------------


def sign_in(client: Client, username: str, password: str, forwarded: str):
    return client.post(
        LOGIN, {"username": username, "password": password}, HTTP_X_FORWARDED_FOR=forwarded
    )


@pytest.mark.parametrize(
    ("count", "form"),
    [(0, "rotating"), (0, "appended"), (1, "appended")],
)
def test_a_new_header_per_guess_is_still_one_client(settings, clinician_user, count, form):
    """Behind no proxy the header is ignored; behind one, only the hop our proxy wrote counts:
    30 guesses with a fresh header each are five guesses from one address, then a lockout."""
    behind_proxies(settings, count)
    client = Client()
    statuses = [
        sign_in(client, "clin1", f"wrong-{n}-password", header(form, n)).status_code
        for n in range(30)
    ]
    assert statuses[:4] == [200] * 4
    assert set(statuses[4:]) == {429} or set(statuses[4:]) == {403}
    # And then the right password: still refused, nobody signed in.
    response = sign_in(client, "clin1", TEST_PASSWORD, header(form, 99))
    assert response.status_code in (403, 429)
    assert not AuditEvent.objects.filter(action="login").exists()


def test_guesses_from_many_real_addresses_hit_the_per_username_limit(settings, clinician_user):
    """Genuinely rotating addresses (a botnet behind our proxy): axes allows each address five
    guesses, the per-username throttle allows LOGIN_FAILURES_PER_USERNAME_PER_HOUR in all."""
    behind_proxies(settings, 1)
    settings.LOGIN_FAILURES_PER_USERNAME_PER_HOUR = 10
    attacker = Client()
    statuses = [
        sign_in(attacker, "clin1", f"wrong-{n}-password", header("rotating", n)).status_code
        for n in range(30)
    ]
    assert statuses[:10] == [200] * 10
    assert set(statuses[10:]) == {429}
    # The right password from yet another new address and browser: refused unchecked.
    page = sign_in(Client(), "clin1", TEST_PASSWORD, "198.51.100.77")
    assert page.status_code == 429
    assert "paused for this account on new devices" in page.content.decode()
    assert int(page["Retry-After"]) > 0
    assert not AuditEvent.objects.filter(action="login").exists()
    throttled = AuditEvent.objects.filter(action="login_failed", detail__startswith="throttled")
    assert throttled.count() == 21


def test_the_real_user_on_a_known_browser_is_never_throttled(settings, clinician_user):
    behind_proxies(settings, 1)
    settings.LOGIN_FAILURES_PER_USERNAME_PER_HOUR = 10
    own_browser = Client()
    assert sign_in(own_browser, "clin1", TEST_PASSWORD, "198.51.100.20").status_code == 302
    own_browser.post("/accounts/logout/")
    attacker = Client()
    for n in range(15):
        sign_in(attacker, "clin1", f"wrong-{n}-password", header("rotating", n))
    assert sign_in(Client(), "clin1", TEST_PASSWORD, "198.51.100.21").status_code == 429

    response = sign_in(own_browser, "clin1", TEST_PASSWORD, "198.51.100.20")

    assert response.status_code == 302 and response["Location"] == "/staff/"


def test_the_throttle_ends_with_the_hour(settings, clinician_user):
    behind_proxies(settings, 1)
    settings.LOGIN_FAILURES_PER_USERNAME_PER_HOUR = 5
    for n in range(6):
        sign_in(Client(), "clin1", f"wrong-{n}-password", header("rotating", n))
    assert sign_in(Client(), "clin1", TEST_PASSWORD, "198.51.100.21").status_code == 429
    with time_machine.travel(datetime(2026, 5, 12, 15, 1, tzinfo=UTC), tick=True):
        assert sign_in(Client(), "clin1", TEST_PASSWORD, "198.51.100.21").status_code == 302


def test_made_up_usernames_cannot_crowd_out_the_counters(settings, clinician_user):
    """A spray of other usernames (and the rate limits' churn in the shared cache) must not
    cull the counter that throttles the targeted one."""
    from itband.login_throttle import failures_this_hour

    behind_proxies(settings, 1)
    for n in range(3):
        sign_in(Client(), "clin1", f"wrong-{n}-password", header("rotating", n))
    for n in range(400):  # past the shared cache's 300 entries
        cache.add(f"rl:spray:{n}", 1)
    assert failures_this_hour("clin1") == 3


def test_the_device_cookie_names_no_one(settings, clinician_user):
    behind_proxies(settings, 1)
    client = Client()
    sign_in(client, "clin1", TEST_PASSWORD, "198.51.100.20")
    cookie = client.cookies["staff_device"]
    assert "clin1" not in cookie.value
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


# --- Locking real staff out with a chosen header ------------------------------------------------


@pytest.mark.parametrize("count", [1, 2])
def test_a_stranger_cannot_lock_out_real_staff(settings, reference_data, count):
    """Five wrong passwords for sortiz, with the header naming sortiz's own address (as the
    client wrote it) and from the attacker's real address: sortiz still signs in."""
    behind_proxies(settings, count)
    StaffFactory(username="sortiz", roles=["Clinician"])
    inner = ", 10.0.0.2" if count == 2 else ""  # what a second proxy of ours appends
    attacker = Client()
    for n in range(5):
        spoofed = f"198.51.100.20, 203.0.113.66{inner}"
        sign_in(attacker, "sortiz", f"wrong-{n}-password", spoofed)
    for n in range(5):  # and in the bare form, from yet another address
        sign_in(attacker, "sortiz", f"wrong-{n}-password", f"203.0.113.{n + 70}{inner}")

    response = sign_in(Client(), "sortiz", TEST_PASSWORD, f"198.51.100.20{inner}")

    assert response.status_code == 302, response.content.decode()[:500]
    assert response["Location"] == "/staff/"


# --- Passing a public form's rate limit with a rotating header ----------------------------------

LIMIT = 3


@pytest.mark.parametrize(
    ("count", "form"),
    [(0, "rotating"), (0, "appended"), (1, "appended")],
)
def test_a_rotating_header_does_not_pass_the_rate_limit(settings, count, form):
    behind_proxies(settings, count)
    settings.RATE_LIMITS_ENABLED = True
    settings.RATE_LIMIT_PER_HOUR = LIMIT
    client = Client()
    data = {"consent": "on", "email": "runner@example.com"}
    statuses = [
        client.post("/assessment/", data, HTTP_X_FORWARDED_FOR=header(form, n)).status_code
        for n in range(LIMIT + 4)
    ]
    assert statuses[:LIMIT] == [302] * LIMIT
    assert set(statuses[LIMIT:]) == {429}
    assert Submission.objects.count() == LIMIT

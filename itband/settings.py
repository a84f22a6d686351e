"""Settings for the clinic site, driven by environment variables.

Two shapes share this one module:
- the embedded default (``make run``): SQLite under ``var/``, no broker, emails written to
  ``var/mail/``, DEBUG on, demo data allowed;
- production (``APP_ENV=production``): PostgreSQL from ``DATABASE_URL``, Redis from ``REDIS_URL``,
  a required ``SECRET_KEY``, HTTPS-only cookies and HSTS. ``.env.example`` lists every variable.
"""

import ipaddress
import os
from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value not in (None, "") else default


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


APP_ENV = os.environ.get("APP_ENV", "development").strip().lower()
if APP_ENV not in {"development", "test", "production"}:
    raise ImproperlyConfigured(f"APP_ENV must be development, test or production, not {APP_ENV!r}.")
PRODUCTION = APP_ENV == "production"

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY must be set when APP_ENV=production.")
    # Only for the embedded default and tests: never used in production (see above).
    SECRET_KEY = "dev-only-insecure-key-0123456789-abcdefghijklmnopqrstuvwxyz-ABCDEFGH"  # noqa: S105

DEBUG = env_bool("DEBUG", default=APP_ENV == "development")
ALLOWED_HOSTS = env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["127.0.0.1", "localhost", "testserver", "[::1]"]
)
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",  # backup codes
    "axes",
    "itband",
    "assessments",
    "booking",
    "desk",
    "clinician",
    "outcomes",
    "clinic",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Outermost of our own: turns a lost database into a friendly 503 for everything below.
    "itband.middleware.DatabaseUnavailableMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    # PUT/PATCH/DELETE: 405 with Allow, before the CSRF check's 403.
    "itband.middleware.MethodNotAllowedMiddleware",
    "itband.csrf.NoReferrerOriginMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sets request.user.is_verified() from the session's two-factor device.
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Staff sessions: idle and absolute limits first, then the two-factor gate.
    "itband.middleware.StaffSessionTimeoutMiddleware",
    "itband.middleware.StaffTwoFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # The per-username throttle's page and device cookie (itband.login_throttle).
    "itband.login_throttle.LoginThrottleMiddleware",
    # Last, as django-axes asks: turns a lockout into its page (AXES_LOCKOUT_TEMPLATE).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "itband.urls"
WSGI_APPLICATION = "itband.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "itband.context_processors.site",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL,
            conn_max_age=env_int("DB_CONN_MAX_AGE", 60),
            conn_health_checks=True,
        )
    }
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Fail fast when PostgreSQL is away so the 503 page answers instead of a hung worker.
        DATABASES["default"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
            "DB_CONNECT_TIMEOUT", 3
        )
elif PRODUCTION:
    raise ImproperlyConfigured("DATABASE_URL must be set when APP_ENV=production.")
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": os.environ.get("SQLITE_PATH", str(VAR_DIR / "db.sqlite3")),
            # IMMEDIATE takes the write lock at BEGIN, so the booking service's overlap check
            # and insert cannot interleave with another writer (SQLite has no exclusion
            # constraint).
            "OPTIONS": {"transaction_mode": "IMMEDIATE", "timeout": 20},
        }
    }
    # The review queue's covering index (INCLUDE columns) is a PostgreSQL speed-up; SQLite
    # builds it without them, which is fine for the embedded default. The warning only buried
    # the output of make run and the smoke pass.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "itband.User"

# Database cache: rate-limit counters must hold across processes, and Redis carries only
# Celery's messages (its outage must never block a request).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache",
    },
    # booking.schedule_cache's one shared key, in a table of its own: the default table culls a
    # third of its keys when it fills with rate-limit counters, which would drop it again and
    # again (every process then discards its schedule copies).
    "schedule": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache_schedule",
    },
    # itband.login_throttle's per-username counters, in a table of their own: a spray of made-up
    # usernames must not cull them from the default table's 300 entries (and reset the limit).
    "login_throttle": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "django_cache_login",
        "OPTIONS": {"MAX_ENTRIES": 10000},
    },
}

# --- Sessions and auth ----------------------------------------------------------------------
SESSION_ENGINE = "django.contrib.sessions.backends.db"
STAFF_IDLE_TIMEOUT = timedelta(minutes=env_int("STAFF_IDLE_TIMEOUT_MINUTES", 15))
STAFF_ABSOLUTE_TIMEOUT = timedelta(hours=env_int("STAFF_ABSOLUTE_TIMEOUT_HOURS", 12))
SESSION_COOKIE_AGE = int(STAFF_ABSOLUTE_TIMEOUT.total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/staff/"
LOGOUT_REDIRECT_URL = "/"
AUTHENTICATION_BACKENDS = [
    # First: refuses any attempt while the username + IP pair is locked out.
    "axes.backends.AxesStandaloneBackend",
    # Then: refuses a username past its hourly failures, unless this browser signed in to it
    # before (itband.login_throttle).
    "itband.login_throttle.UsernameThrottleBackend",
    # Django's ModelBackend, with the user's roles read in the same query (itband.roles).
    "itband.roles.RolesModelBackend",
]
# Staff password reset links (itband.password_reset) work for an hour.
PASSWORD_RESET_TIMEOUT = 3600
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Lockout after repeated failed staff logins (django-axes; counters in the database so every
# process sees them). Locks the username + IP pair, so a typo elsewhere locks no one else out.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
# Username and address together: a stranger's guesses from elsewhere never lock real staff out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# And per username across all addresses, slower: past this many failures in a clock hour a
# username is refused on browsers that never signed in to it (itband.login_throttle; 0: off).
LOGIN_FAILURES_PER_USERNAME_PER_HOUR = env_int("LOGIN_FAILURES_PER_USERNAME_PER_HOUR", 20)
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# The same client address as the rate limits (see TRUSTED_PROXY_COUNT).
AXES_CLIENT_IP_CALLABLE = "itband.http.client_ip"
# Two-factor (TOTP): always available; required for every staff login in production.
STAFF_REQUIRE_2FA = env_bool("STAFF_REQUIRE_2FA", PRODUCTION)
OTP_TOTP_ISSUER = "Cohen Health and Performance"

# --- Internationalisation and time ----------------------------------------------------------
LANGUAGE_CODE = "en-us"
TIME_ZONE = "America/New_York"  # the clinics' zone; each Location also carries its own.
USE_I18N = True
USE_TZ = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = Path(os.environ.get("STATIC_ROOT", BASE_DIR / "staticfiles"))
STATICFILES_DIRS = [
    BASE_DIR / "static",
    # Bootstrap comes from npm as files and is served by us: no CDN.
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "itband.static_storage.StaticStorage"  # whitenoise's, URLs looked up once
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Security headers -----------------------------------------------------------------------
# Django's built-in CSP: nonces for our few scripts, no 'unsafe-inline' anywhere.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True
# An expired or missing CSRF token (an old tab, the back button) gets a friendly page.
CSRF_FAILURE_VIEW = "itband.views.csrf_failure"

if PRODUCTION:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # /healthz and /readyz are probed over plain HTTP by the load balancer.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]

# --- Email: every message goes through the Outbox (itband.outbox) ---------------------------
# Django 6.1's MAILERS. Production: SMTP. Elsewhere: one file per message under var/mail/.
EMAIL_BACKEND_PATH = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.filebased.EmailBackend",
)
if EMAIL_BACKEND_PATH.endswith("smtp.EmailBackend"):
    MAILER_OPTIONS = {
        "host": os.environ.get("EMAIL_HOST", "localhost"),
        "port": env_int("EMAIL_PORT", 587),
        "username": os.environ.get("EMAIL_HOST_USER", ""),
        "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
        "use_tls": env_bool("EMAIL_USE_TLS", PRODUCTION),
        "timeout": env_int("EMAIL_TIMEOUT", 20),
    }
elif EMAIL_BACKEND_PATH.endswith("filebased.EmailBackend"):
    MAILER_OPTIONS = {"file_path": os.environ.get("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))}
else:
    MAILER_OPTIONS = {}
MAILERS = {"default": {"BACKEND": EMAIL_BACKEND_PATH, "OPTIONS": MAILER_OPTIONS}}
DEFAULT_FROM_EMAIL = os.environ.get(
    "DEFAULT_FROM_EMAIL", "Cohen Health and Performance <appointments@example.com>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8)
OUTBOX_BACKOFF_SECONDS = env_int("OUTBOX_BACKOFF_SECONDS", 30)
OUTBOX_RELAY_BATCH = env_int("OUTBOX_RELAY_BATCH", 50)

# The public address used in emailed links (resume, manage, result).
SITE_URL = os.environ.get("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
CLINIC_NAME = "Cohen Health and Performance"
# The postal address in the footer of the reminders (CAN-SPAM asks for one); the demo value is
# the Bethesda clinic of seed_demo: set the real one before going live.
CLINIC_POSTAL_ADDRESS = (
    os.environ.get("CLINIC_POSTAL_ADDRESS", "").strip()
    or "4800 Demo Avenue, Suite 100, Bethesda, MD 20814 (demo address)"
)

# --- Celery (production: a worker and beat against Redis) -----------------------------------
REDIS_URL = os.environ.get("REDIS_URL", "")
CELERY_BROKER_URL = REDIS_URL or None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_timeout": 1,
    "socket_connect_timeout": 1,
    "max_retries": 0,
}
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TIMEZONE = "UTC"
PERIODIC_RELAY_SECONDS = env_int("PERIODIC_RELAY_SECONDS", 10)
# The periodic jobs, listed once: Celery beat runs each "task" every "every" seconds in
# production; `manage.py run_background` calls each "service" in the embedded default (the
# task is a thin wrapper around it). Dotted paths: this package imports no app.
PERIODIC_JOBS = {
    "outbox-relay": {
        "service": "itband.outbox.outbox_relay",
        "task": "itband.tasks.relay_outbox",
        "every": PERIODIC_RELAY_SECONDS,
    },
    "appointment-reminders": {
        "service": "booking.services.reminders_send_due",
        "task": "booking.tasks.send_due_reminders",
        "every": 60,
    },
    "draft-clean-up": {
        "service": "assessments.services.drafts_purge_expired",
        "task": "assessments.tasks.purge_expired_drafts",
        "every": 3600,
    },
    "past-visits": {
        "service": "booking.services.submissions_move_past_visits",
        "task": "booking.tasks.move_past_visits",
        "every": 900,
    },
    "runner-reminders": {
        "service": "booking.followups.runner_reminders_send_due",
        "task": "booking.tasks.send_runner_reminders",
        "every": 300,
    },
    "waitlist-offers": {
        "service": "booking.waitlist.waitlist_sweep",
        "task": "booking.tasks.sweep_waitlist",
        "every": 60,
    },
    "outcome-checkins": {
        "service": "outcomes.services.checkins_send_due",
        "task": "outcomes.tasks.send_due_checkins",
        "every": 900,
    },
}
CELERY_BEAT_SCHEDULE = {
    name: {"task": job["task"], "schedule": job["every"]} for name, job in PERIODIC_JOBS.items()
}

# --- Logging: never request bodies, answers or contact details ------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"redact_private_links": {"()": "itband.logs.RedactPrivateLinksFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_private_links"],
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {
        # Django's request logger would print the request on 500s; we log our own line instead.
        "django.request": {
            "handlers": ["console"],
            "level": "ERROR",
            "propagate": False,
            "filters": ["redact_private_links"],
        },
        # These name the path too: redacted on the logger, so any handler gets the clean line.
        # runserver's request lines go to our console (Django's default handler for them had
        # no redaction).
        "django.server": {"filters": ["redact_private_links"], "propagate": True},
        "django.security.csrf": {"filters": ["redact_private_links"], "propagate": True},
        # Console only: no mail_admins handler, whose reports would include the request.
        "django": {"handlers": ["console"], "level": "INFO", "propagate": False},
        # axes announces itself on every start and logs each attempt at INFO: keep warnings.
        "axes": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
# Error pages and reports show POST field names only, never their values.
DEFAULT_EXCEPTION_REPORTER_FILTER = "itband.logs.NoRequestBodyReporterFilter"

DEMO_PASSWORD = "runner-demo-2026"  # noqa: S105 - printed by `make run`; seed_demo refuses production.

# How many reverse proxies of our own stand in front of the app, each appending the address it
# received the request from to X-Forwarded-For. itband.http.client_ip takes the address that
# many hops from the right (never the client-written left end); 0 means REMOTE_ADDR. Lockouts,
# rate limits and the audit log all key on it.
_proxy_count = os.environ.get("TRUSTED_PROXY_COUNT", "").strip()
# Deprecated: TRUST_X_FORWARDED_FOR=true (which took the leftmost address) now means one proxy;
# itband.checks warns until TRUSTED_PROXY_COUNT replaces it.
TRUST_X_FORWARDED_FOR = env_bool("TRUST_X_FORWARDED_FOR", False)
if _proxy_count == "":
    TRUSTED_PROXY_COUNT = 1 if TRUST_X_FORWARDED_FOR else 0
elif _proxy_count.isdigit() and int(_proxy_count) <= 10:
    TRUSTED_PROXY_COUNT = int(_proxy_count)
else:
    raise ImproperlyConfigured(
        f"TRUSTED_PROXY_COUNT must be a whole number from 0 to 10, not {_proxy_count!r}."
    )

# Or, where the proxies' addresses are known rather than their number (a load balancer pool):
# the networks (CIDRs, comma-separated) our proxies live in. REMOTE_ADDR must be inside one for
# X-Forwarded-For to be read at all; the client is then the rightmost address outside them.
# When set, it is used instead of TRUSTED_PROXY_COUNT.
try:
    TRUSTED_PROXY_NETWORKS = tuple(
        ipaddress.ip_network(cidr, strict=False) for cidr in env_list("TRUSTED_PROXY_NETWORKS", [])
    )
except ValueError as error:
    raise ImproperlyConfigured(f"TRUSTED_PROXY_NETWORKS: {error}") from None

if APP_ENV == "test":
    # Hashing strength is not under test; a fast hasher keeps the suite quick.
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# Files served at the site's root by whitenoise: /favicon.ico.
WHITENOISE_ROOT = BASE_DIR / "public"
# Outside production whitenoise serves straight from the finders (no collectstatic needed).
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION

# --- Assessments ----------------------------------------------------------------------------
DRAFT_RETENTION_DAYS = env_int("DRAFT_RETENTION_DAYS", 30)

# --- Reminders that bring runners back (issue 17) ------------------------------------------
# One each: an unfinished assessment (runner ticked "remind me") this long after the last
# answer, a result without a booking this long after submit. Sent only between these local
# hours at the clinic, and never later than REMINDER_GIVE_UP_HOURS after they fell due (the job
# was down, or the feature was just switched on: a week-old nudge is noise).
DRAFT_REMINDER_AFTER_HOURS = 24
RESULT_REMINDER_AFTER_HOURS = 48
REMINDER_GIVE_UP_HOURS = 72
REMINDER_SENDING_HOURS = (8, 20)
# Outcome check-ins (outcomes.services): one reminder this many days after a check-in's email;
# a check-in (or its reminder) not sent within the window after it fell due is skipped.
OUTCOME_REMINDER_AFTER_DAYS = 4
OUTCOME_CHECKIN_WINDOW_DAYS = 7

# --- Booking --------------------------------------------------------------------------------
BOOKING_MIN_NOTICE_HOURS = env_int("BOOKING_MIN_NOTICE_HOURS", 12)
BOOKING_HORIZON_DAYS = env_int("BOOKING_HORIZON_DAYS", 60)
# How long a freed time offered to a waitlist runner is held for them (booking.waitlist).
WAITLIST_HOLD_MINUTES = env_int("WAITLIST_HOLD_MINUTES", 30)
BOOKING_SLOT_STEP_MINUTES = env_int("BOOKING_SLOT_STEP_MINUTES", 15)
# Inside these windows before the visit the manage page says "call the clinic".
BOOKING_CANCEL_CUTOFF_HOURS = env_int("BOOKING_CANCEL_CUTOFF_HOURS", 24)
BOOKING_RESCHEDULE_CUTOFF_HOURS = env_int("BOOKING_RESCHEDULE_CUTOFF_HOURS", 12)
BOOKING_REMINDER_HOURS_BEFORE = env_int("BOOKING_REMINDER_HOURS_BEFORE", 24)

# --- Rate limits for public forms (per client IP; raised for load tests) -------------------
RATE_LIMITS_ENABLED = env_bool("RATE_LIMITS_ENABLED", True)
RATE_LIMIT_PER_HOUR = env_int("RATE_LIMIT_PER_HOUR", 60)

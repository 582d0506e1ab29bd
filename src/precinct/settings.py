"""The one settings module of precinct, read from the environment.

Every knob is an environment variable with a safe default for the embedded SQLite demo;
production sets DATABASE_URL (PostgreSQL), SECRET_KEY, DEBUG=0 and ALLOWED_HOSTS.
"""

import datetime as dt
import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from precinct.core.env import env_bool, env_float, env_int, env_list, env_str
from precinct.core.secrets import persistent_key

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = PACKAGE_DIR.parent.parent

# Data that outlives the process (SQLite file, cached road networks, uploads) lives here.
VAR_DIR = Path(env_str("PRECINCT_VAR_DIR", str(PROJECT_DIR / "var"))).resolve()
SHARED_DATA_DIR = Path(
    env_str("PRECINCT_SHARED_DATA", str(PROJECT_DIR.parent / "shared" / "data"))
).resolve()

DEBUG = env_bool("DEBUG", False)
# No key is ever written in the source: given in the environment, or generated on first
# start and kept private in VAR_DIR (core/secrets.py says why). Keyed hashes of personal
# data (a client's IP address) have a key of their own, so rotating SECRET_KEY (sessions)
# neither breaks them nor is needed after a leak of one.
if env_bool("PRECINCT_REQUIRE_SECRET", False) and "SECRET_KEY" not in os.environ:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set in the environment (PRECINCT_REQUIRE_SECRET)."
    )
SECRET_KEY_FILE = VAR_DIR / "secret_key"
SECRET_KEY = persistent_key("SECRET_KEY", SECRET_KEY_FILE)
PRECINCT_HASH_KEY_FILE = VAR_DIR / "hash_key"
PRECINCT_HASH_KEY = persistent_key("PRECINCT_HASH_KEY", PRECINCT_HASH_KEY_FILE)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "precinct.accounts.admin_apps.PrecinctAdminConfig",  # django.contrib.admin, rule-led
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "axes",
    "ninja",  # Swagger UI from ninja's own static files, not a CDN
    "django_tasks",
    "django_tasks_db",
    "django_rq",
    "django_tasks_rq",
    "precinct.core",
    "precinct.accounts",
    "precinct.audit",
    "precinct.territory",
    "precinct.demo",
    "precinct.planning",
    "precinct.surveys",
    "precinct.integrity",
    "precinct.crime",
    "precinct.evaluation",
    "precinct.appeals",
    "precinct.receptions",
    "precinct.alerts",
    "precinct.dispatch",
    "precinct.workspace",
    "precinct.priorities",
    "precinct.opendata",
    "precinct.neighbourhoods",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "precinct.core.middleware.refuse_nul_bytes",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "precinct.core.middleware.security_headers",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "precinct.urls"
WSGI_APPLICATION = "precinct.wsgi.application"
AUTH_USER_MODEL = "accounts.User"
# Passwords are checked behind django-axes (accounts/signin.py): failed sign-ins are counted
# per account and per source address, and either over the limit locks for a cool-off.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("PRECINCT_SIGN_IN_FAILURES", 5, minimum=1)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("PRECINCT_SIGN_IN_LOCK_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # successes go to precinct's own audit log
AXES_CLIENT_IP_CALLABLE = "precinct.accounts.signin.client_address"
AXES_LOCKOUT_CALLABLE = "precinct.accounts.signin.lockout_response"
AXES_VERBOSE = False  # its log lines carry usernames and addresses
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"  # staff land on their start page: accounts.landing
LOGOUT_REDIRECT_URL = "home"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "precinct.accounts.context_processors.may",
            ],
        },
    }
]


def _database(variable: str, default: str | None = None) -> dict:
    """One database's settings from a URL in the environment (``dj_database_url``)."""
    try:
        database = dj_database_url.parse(
            env_str(variable, default),
            conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60, minimum=0),
        )
    except ValueError as exc:  # an unknown scheme or a malformed URL
        raise ImproperlyConfigured(f"{variable} is not a valid database URL: {exc}") from None
    if database["ENGINE"] == "django.db.backends.sqlite3":
        # WAL lets readers go on while a writer commits; the timeout waits out short writes.
        database["OPTIONS"] = {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    return database


DATABASES = {"default": _database("DATABASE_URL", f"sqlite:///{VAR_DIR / 'precinct.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    VAR_DIR.mkdir(parents=True, exist_ok=True)  # the embedded default needs no set-up
    # A file, not memory: tests start real workers and servers in other processes.
    DATABASES["default"]["TEST"] = {"NAME": str(VAR_DIR / "test-precinct.sqlite3")}
# Optional: a streaming replica of the primary for the reads that may be a little behind
# (reports and public pages, marked by core.replica.reads_from_replica; docs/operations.md,
# "A read replica"). Without it every read goes to the primary.
if env_str("DATABASE_REPLICA_URL", ""):
    DATABASES["replica"] = _database("DATABASE_REPLICA_URL")
    if DATABASES["replica"]["ENGINE"] != DATABASES["default"]["ENGINE"]:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL must name a database of the same kind as DATABASE_URL."
        )
    if DATABASES["replica"]["ENGINE"] == "django.db.backends.postgresql":
        # A replica that does not answer is skipped (core.replica): find out in seconds.
        DATABASES["replica"].setdefault("OPTIONS", {})["connect_timeout"] = env_int(
            "DATABASE_REPLICA_CONNECT_TIMEOUT", 3, minimum=1
        )
    # Tests have no replication: the test replica is the test primary, under its alias.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
# How long a replica that failed is left alone before a marked read tries it again.
PRECINCT_REPLICA_RETRY_SECONDS = env_int("PRECINCT_REPLICA_RETRY_SECONDS", 30, minimum=1)
DATABASE_ROUTERS = ["precinct.core.replica.ReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Work that outlives a request goes through a durable queue: the database by default
# (zero set-up), Redis in production. `precinct worker` runs the matching worker.
PRECINCT_QUEUE = env_str("PRECINCT_QUEUE", "database")
REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6379/0")
_TASK_BACKENDS = {
    "database": "django_tasks_db.DatabaseBackend",
    "redis": "django_tasks_rq.RQBackend",
}
if PRECINCT_QUEUE not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"PRECINCT_QUEUE={PRECINCT_QUEUE!r}: use 'database' or 'redis'.")
TASK_QUEUES = ["default"]
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[PRECINCT_QUEUE], "QUEUES": TASK_QUEUES}}
RQ_QUEUES = {name: {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 3600} for name in TASK_QUEUES}

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "ru"
LANGUAGES = [("ru", _("Russian")), ("kk", _("Kazakh")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
# Django has no Kazakh number and date formats; ours (decimal comma, d.m.Y) live here.
FORMAT_MODULE_PATH = ["precinct.formats"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Almaty")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
# collectstatic (bin/serve runs it) writes content-hashed, gzipped copies and a manifest;
# WhiteNoise then serves them gzipped and cached for a year (core/staticstorage.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "precinct.core.staticstorage.StaticStorage"},
}
# Serve assets from the app directories too, so a missed collectstatic is no outage.
WHITENOISE_USE_FINDERS = True

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind HTTPS: tell browsers to come back only over HTTPS (0 = no HSTS header; start low).
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
if env_bool("PRECINCT_BEHIND_HTTPS_PROXY", False):  # the proxy sets X-Forwarded-Proto
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# Bounded requests: a form or JSON body beyond this is refused with 400 before parsing
# (attachments have their own limit, PRECINCT_APPEAL_ATTACHMENT_MAX_BYTES, checked per file).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("PRECINCT_MAX_BODY_BYTES", 1024 * 1024, minimum=1024)
DATA_UPLOAD_MAX_NUMBER_FIELDS = 200
DATA_UPLOAD_MAX_NUMBER_FILES = 10

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {"private_links": {"()": "precinct.core.logging.RedactPrivateLinks"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["private_links"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    # Request lines carry query strings (coordinates, phone numbers): keep them out.
    "loggers": {"django.server": {"level": "WARNING"}},
}

# --- precinct -------------------------------------------------------------------------
PRECINCT_NETWORK_DIR = Path(env_str("PRECINCT_NETWORK_DIR", str(VAR_DIR / "network"))).resolve()
PRECINCT_WALK_SPEED_KMH = env_float("PRECINCT_WALK_SPEED_KMH", 4.5, positive=True)
# A point farther than this from any walkable road is "off the network".
PRECINCT_SNAP_MAX_METERS = env_float("PRECINCT_SNAP_MAX_METERS", 1000.0, positive=True)
PRECINCT_LOCATE_POSTS = env_int("PRECINCT_LOCATE_POSTS", 3, minimum=1)
# Optional raster tile server for the maps, e.g. "http://tiles.local/{z}/{x}/{y}.png".
# Without it the maps draw the imported OSM streets and buildings, which needs no internet.
PRECINCT_TILE_URL = env_str("PRECINCT_TILE_URL", "")
# Content-Security-Policy: every script and style is served by precinct itself (no CDN,
# no inline script); images may come from the optional tile server.
_TILE_ORIGIN = "/".join(PRECINCT_TILE_URL.split("/")[:3]) if PRECINCT_TILE_URL else ""
PRECINCT_CSP = {
    "default-src": ["'self'"],
    # Leaflet and plotly.js's basic bundle need no eval; injected inline script is blocked.
    "script-src": ["'self'"],
    # Leaflet and plotly.js set element styles, plotly.js and htmx add <style> elements.
    "style-src": ["'self'", "'unsafe-inline'"],
    "img-src": ["'self'", "data:", "blob:", *filter(None, [_TILE_ORIGIN])],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "object-src": ["'none'"],
    "base-uri": ["'self'"],
    "form-action": ["'self'"],
    "frame-ancestors": ["'none'"],
}
PRECINCT_TILE_ATTRIBUTION = env_str("PRECINCT_TILE_ATTRIBUTION", "© OpenStreetMap contributors")
PRECINCT_API_TOKEN_DAYS = env_int("PRECINCT_API_TOKEN_DAYS", 30, minimum=1)
# Staffing norm of district inspectors (residents per inspector). 20 million residents over
# the ~4,500 inspectors of 2025 plus the ~3,000 the ministry says are missing gives about
# 2,700; cities carry more residents per inspector than villages. See docs/demo.md.
PRECINCT_RESIDENTS_PER_INSPECTOR_URBAN = env_int(
    "PRECINCT_RESIDENTS_PER_INSPECTOR_URBAN", 3000, minimum=1
)
PRECINCT_RESIDENTS_PER_INSPECTOR_RURAL = env_int(
    "PRECINCT_RESIDENTS_PER_INSPECTOR_RURAL", 2000, minimum=1
)
# The demo staffs precincts at this share of the norm ("somewhat below").
PRECINCT_DEMO_STAFFED_SHARE = env_float("PRECINCT_DEMO_STAFFED_SHARE", 0.8, positive=True)

# --- planning ---------------------------------------------------------------------------
# Walking times (minutes) the coverage pages and API report by default (checked at start,
# as every walking time, by territory/walking.py).
PRECINCT_COVERAGE_MINUTES = [float(m) for m in env_list("PRECINCT_COVERAGE_MINUTES", ["10", "15"])]
# Where the default staffing norms above come from (shown next to every shortfall).
PRECINCT_STAFFING_NORM_SOURCE = env_str(
    "PRECINCT_STAFFING_NORM_SOURCE",
    # Shown on the staffing page as typed: in Russian, the language of the norm's documents.
    "Расчёт: около 20 млн жителей на 4 500 участковых инспекторов (2025) и около 3 000 "
    "вакантных должностей; подробнее в docs/demo.md",
)
# Siting: the solver's time limit per job (the best solution and its gap are kept).
PRECINCT_SITING_TIME_LIMIT_S = env_float("PRECINCT_SITING_TIME_LIMIT_S", 60.0, positive=True)
# Patrol sizing: arrival target, share of emergencies to reach within it, time on scene,
# and (without dispatch records) emergency calls per resident and day. 11-12 thousand
# 102 calls a day over ~20 million residents is ~0.0006.
PRECINCT_PATROL_TARGET_MIN = env_float("PRECINCT_PATROL_TARGET_MIN", 15.0, positive=True)
PRECINCT_PATROL_TARGET_SHARE = env_float("PRECINCT_PATROL_TARGET_SHARE", 0.8, positive=True)
PRECINCT_PATROL_SERVICE_MIN = env_float("PRECINCT_PATROL_SERVICE_MIN", 40.0, positive=True)
PRECINCT_PATROL_CALLS_PER_RESIDENT_DAY = env_float(
    "PRECINCT_PATROL_CALLS_PER_RESIDENT_DAY", 0.0006, positive=True
)
# --- evaluation (surveys, crime statistics, integrity, indicators) ---------------------
# Answers per client address and hour through a survey's open link.
PRECINCT_SURVEY_OPEN_PER_HOUR = env_int("PRECINCT_SURVEY_OPEN_PER_HOUR", 3, minimum=1)
# Respondents younger than this are not in the surveyed population (adults).
PRECINCT_SURVEY_MIN_AGE = env_int("PRECINCT_SURVEY_MIN_AGE", 18, minimum=0)
# Survey estimates on fewer effective respondents than this are suppressed.
PRECINCT_SURVEY_MIN_N_EFF = env_int("PRECINCT_SURVEY_MIN_N_EFF", 30, minimum=1)
# Raking: weights trimmed to this multiple of the mean weight.
PRECINCT_SURVEY_WEIGHT_TRIM = env_float("PRECINCT_SURVEY_WEIGHT_TRIM", 5.0, positive=True)
# A TrueType font with Cyrillic and Kazakh letters for PDF scorecards (DejaVu Sans ships
# with precinct, so a machine without system fonts still prints Russian and Kazakh).
PRECINCT_PDF_FONT = env_str(
    "PRECINCT_PDF_FONT", str(PACKAGE_DIR / "evaluation" / "fonts" / "DejaVuSans.ttf")
)
# Walking time from a post that counts as "within walking reach" for the coverage indicator
# (checked at start, as every walking time, by territory/walking.py).
PRECINCT_EVAL_WALK_MINUTES = env_float("PRECINCT_EVAL_WALK_MINUTES", 15.0)
# Departments are compared with peers of the same population band (upper bounds).
PRECINCT_EVAL_POPULATION_BANDS = [
    int(x) for x in env_list("PRECINCT_EVAL_POPULATION_BANDS", ["100000", "250000", "500000"])
]


# --- appeals ---------------------------------------------------------------------------
def _seconds_at_most(name: str, default: int, most: int) -> int:
    """The delivery promises (a lease expires within a minute, a lost task is re-enqueued
    within two) hold only below these bounds: refuse a configuration that breaks them."""
    value = env_int(name, default, minimum=1)
    if value > most:
        raise ImproperlyConfigured(f"{name}={value}: at most {most} seconds.")
    return value


# Limits of the Administrative Procedural and Process-Procedural Code of Kazakhstan, art. 76
# (as official secondary sources quote it; see docs/appeals.md "The law"): 15 working days
# to answer, extended by the head or his deputy to at most 2 months from receipt, 3 to
# forward an appeal outside the body's competence or to tell the applicant of an extension.
# Transfers of days off are decreed yearly: list them here.
PRECINCT_APPEALS = {
    "ANSWER_WORKING_DAYS": env_int("PRECINCT_APPEAL_ANSWER_DAYS", 15, minimum=1),
    "FORWARD_WORKING_DAYS": env_int("PRECINCT_APPEAL_FORWARD_DAYS", 3, minimum=1),
    "EXTENSION_NOTICE_WORKING_DAYS": env_int("PRECINCT_APPEAL_EXTENSION_NOTICE_DAYS", 3, minimum=1),
    # An extension sets the answer date at most this many months after receipt.
    "EXTENSION_MAX_MONTHS": env_int("PRECINCT_APPEAL_EXTENSION_MAX_MONTHS", 2, minimum=1),
    "LEGAL_SOURCE": (
        "Administrative Procedural and Process-Procedural Code of the Republic of Kazakhstan "
        "(29 June 2020 No. 350-VI), art. 76"
    ),
    # ISO dates: weekdays that became days off, and weekend days that became working days.
    "TRANSFERRED_DAYS_OFF": env_list("PRECINCT_TRANSFERRED_DAYS_OFF", []),
    "TRANSFERRED_WORKING_DAYS": env_list("PRECINCT_TRANSFERRED_WORKING_DAYS", []),
    # Public submissions per client (salted hash of the address) per hour.
    "SUBMISSIONS_PER_HOUR": env_int("PRECINCT_APPEAL_SUBMISSIONS_PER_HOUR", 20, minimum=1),
    # The same text from the same client within this many seconds is one appeal.
    "DOUBLE_SUBMIT_SECONDS": env_int("PRECINCT_APPEAL_DOUBLE_SUBMIT_SECONDS", 600, minimum=0),
    # Failed tracking look-ups (unknown code, number with a wrong phone/e-mail) per client
    # per hour before further look-ups are refused for the rest of the hour.
    "TRACK_MISSES_PER_HOUR": env_int("PRECINCT_APPEAL_TRACK_MISSES_PER_HOUR", 10, minimum=1),
    "ATTACHMENT_MAX_BYTES": env_int("PRECINCT_APPEAL_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024),
    "ATTACHMENTS_MAX": env_int("PRECINCT_APPEAL_ATTACHMENTS_MAX", 5, minimum=0),
    "NOTIFY_MAX_ATTEMPTS": env_int("PRECINCT_NOTIFY_MAX_ATTEMPTS", 6, minimum=1),
    "NOTIFY_BACKOFF_SECONDS": env_int("PRECINCT_NOTIFY_BACKOFF_SECONDS", 30, minimum=1),
    # Delivery at least once, each message once (docs/operations.md, "Notifications"): a
    # worker holds a message under a lease renewed while it sends; a killed worker's lease
    # expires after this long (at most a minute).
    "NOTIFY_LEASE_SECONDS": _seconds_at_most("PRECINCT_NOTIFY_LEASE_SECONDS", 30, 60),
    # The worker's outbox sweep runs this often, and re-enqueues a pending message nobody
    # holds once its task is this overdue: lost tasks are re-enqueued within
    # STALE + SWEEP seconds (90 by default, at most two minutes).
    "NOTIFY_SWEEP_SECONDS": _seconds_at_most("PRECINCT_NOTIFY_SWEEP_SECONDS", 30, 60),
    "NOTIFY_STALE_SECONDS": _seconds_at_most("PRECINCT_NOTIFY_STALE_SECONDS", 60, 60),
    # Fault drills only: every gateway call takes this long (the kill then lands mid-send).
    "NOTIFY_SLOW_GATEWAY_SECONDS": env_float("PRECINCT_NOTIFY_SLOW_GATEWAY_SECONDS", 0.0),
    "PUBLIC_URL": env_str("PRECINCT_PUBLIC_URL", "http://127.0.0.1:8000"),
}
# Alerts by area (docs/alerts.md): residents' e-mail subscriptions to a precinct.
PRECINCT_ALERTS = {
    # A confirmation link works this long; an unconfirmed subscription then expires.
    "CONFIRM_HOURS": env_int("PRECINCT_ALERT_CONFIRM_HOURS", 72, minimum=1),
    # Subscription requests per hour from one client address, and for one e-mail address
    # (each request sends a confirmation mail: the second limit keeps an address from
    # being flooded by someone else).
    "REQUESTS_PER_CLIENT_HOUR": env_int("PRECINCT_ALERT_REQUESTS_PER_CLIENT_HOUR", 10, minimum=1),
    "REQUESTS_PER_EMAIL_HOUR": env_int("PRECINCT_ALERT_REQUESTS_PER_EMAIL_HOUR", 3, minimum=1),
    # Wrong confirmation or unsubscribe links per client per hour before every link from
    # it is refused for the rest of the hour (a token has 256 bits; this keeps guessing slow).
    "TOKEN_MISSES_PER_HOUR": env_int("PRECINCT_ALERT_TOKEN_MISSES_PER_HOUR", 10, minimum=1),
    # Digests are built from this local hour on (one a day at most per subscriber).
    "DIGEST_FROM_HOUR": env_int("PRECINCT_ALERT_DIGEST_FROM_HOUR", 8, minimum=0),
    # Receptions are announced once, in the first digest within this many days of them.
    "RECEPTION_NOTICE_DAYS": env_int("PRECINCT_ALERT_RECEPTION_NOTICE_DAYS", 7, minimum=1),
    # How often the worker looks for due digests (and expires unconfirmed subscriptions).
    "DIGEST_EVERY_SECONDS": env_int("PRECINCT_ALERT_DIGEST_EVERY_SECONDS", 300, minimum=1),
}
PRECINCT_RECEPTIONS = {
    # Wrong cancel codes a client may try per hour (a code has 50 bits; this keeps a
    # guesser at 10 tries an hour per address).
    "CANCEL_ATTEMPTS_PER_HOUR": env_int(
        "PRECINCT_RECEPTION_CANCEL_ATTEMPTS_PER_HOUR", 10, minimum=1
    ),
}
# Open data (/opendata/api/, docs/open-data.md): how long shared caches and browsers may
# keep an answer.
PRECINCT_OPENDATA_MAX_AGE_SECONDS = env_int("PRECINCT_OPENDATA_MAX_AGE_SECONDS", 900, minimum=0)
# Files by default, not the console: notifications carry residents' names and contacts,
# which must never end up in the server's output or logs. One file per message, named by
# its idempotency key (appeals/mail.py): a message re-sent after a kill is not doubled.
EMAIL_BACKEND = env_str("EMAIL_BACKEND", "precinct.appeals.mail.FileEmailBackend")
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(VAR_DIR / "mail"))
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "appeals@precinct.local")
# SMS gateway (appeals/sms.py): "file" (one file per message in PRECINCT_SMS_DIR, named by
# its idempotency key), "http" (POST to PRECINCT_SMS_URL with an Idempotency-Key header),
# "console" (development) or a dotted path to a gateway class.
PRECINCT_SMS_BACKEND = env_str("PRECINCT_SMS_BACKEND", "file")
PRECINCT_SMS_DIR = env_str("PRECINCT_SMS_DIR", str(VAR_DIR / "sms"))
PRECINCT_SMS_URL = env_str("PRECINCT_SMS_URL", "")
PRECINCT_SMS_TOKEN = env_str("PRECINCT_SMS_TOKEN", "")
PRECINCT_SMS_TIMEOUT_SECONDS = env_float("PRECINCT_SMS_TIMEOUT_SECONDS", 10.0, positive=True)
# Retention of personal data, in days (docs/operations.md, "Retention", gives each period's
# source; those marked "assumption" are not set by any law found). The Law of the Republic
# of Kazakhstan of 21 May 2013 No. 94-V "On personal data and their protection" keeps
# personal data until the purposes of their collection are achieved, unless another law
# sets a period: these are precinct's reading of "achieved", to be confirmed by the owner.
PRECINCT_RETENTION_DAYS = {
    # Name, phone and e-mail of a finished appeal, counted from its closing (or answer):
    # assumption, the five years commonly listed for appeals' files in the standard list
    # of documents with storage periods (verify against the list in force).
    "appeal_contacts": env_int("PRECINCT_RETAIN_APPEAL_CONTACTS_DAYS", 5 * 365, minimum=1),
    # Keyed hash of the submitting client's address, used only for the hourly limit and
    # double submissions: assumption, 30 days.
    "appeal_client_hashes": env_int("PRECINCT_RETAIN_APPEAL_CLIENT_HASH_DAYS", 30, minimum=1),
    # Recipient and text of sent or abandoned notifications: assumption, 90 days (time to
    # answer a resident who says a notice never came).
    "notification_bodies": env_int("PRECINCT_RETAIN_NOTIFICATION_DAYS", 90, minimum=1),
    # SMS and e-mail files the file gateways wrote in var/: assumption, 30 days.
    "gateway_files": env_int("PRECINCT_RETAIN_GATEWAY_FILE_DAYS", 30, minimum=1),
    # Callers' phone numbers on closed 102 incidents, counted from closing: assumption,
    # one year.
    "caller_phones": env_int("PRECINCT_RETAIN_CALLER_PHONE_DAYS", 365, minimum=1),
    # Name, phone and topic of reception bookings, counted from the reception: assumption,
    # one year (what was raised is kept in the appeal it was registered as).
    "reception_bookings": env_int("PRECINCT_RETAIN_BOOKING_DAYS", 365, minimum=1),
    # E-mail addresses of alert subscriptions, counted from the unsubscription or the
    # expiry of an unconfirmed one: assumption, 30 days (time to answer "I never asked
    # for these mails" with the confirmation record).
    "alert_addresses": env_int("PRECINCT_RETAIN_ALERT_ADDRESS_DAYS", 30, minimum=1),
    # The audit log itself: three years, the general limitation period of the Civil Code
    # of the Republic of Kazakhstan (art. 178), so a resident's claim of misuse can be
    # checked against it (assumption: no law names a period for this log).
    "audit_entries": env_int("PRECINCT_RETAIN_AUDIT_DAYS", 3 * 365, minimum=1),
}
# The worker runs the purge once this many hours have passed since the last audited run.
PRECINCT_RETENTION_PURGE_HOURS = env_int("PRECINCT_RETENTION_PURGE_HOURS", 24, minimum=1)
# What `precinct worker` runs beside the queue: dotted path -> seconds between runs.
PRECINCT_PERIODIC_JOBS = {
    "precinct.appeals.tasks.notifications_sweep": PRECINCT_APPEALS["NOTIFY_SWEEP_SECONDS"],
    "precinct.core.retention.personal_data_purge_if_due": 600,
    "precinct.alerts.tasks.alert_mails_sweep": PRECINCT_APPEALS["NOTIFY_SWEEP_SECONDS"],
    "precinct.alerts.digests.digests_build_due": PRECINCT_ALERTS["DIGEST_EVERY_SECONDS"],
    # Days whose 102 calls changed: their response rollups rebuilt (dispatch.rollups).
    "precinct.dispatch.tasks.rollups_refresh": env_int(
        "PRECINCT_ROLLUP_REFRESH_SECONDS", 30, minimum=1
    ),
    # Days whose appeals changed: their rollups rebuilt (appeals.rollups).
    "precinct.appeals.tasks.rollups_refresh": env_int(
        "PRECINCT_ROLLUP_REFRESH_SECONDS", 30, minimum=1
    ),
    # Survey waves whose responses changed: their cells counted again (surveys.cells).
    "precinct.surveys.cells.cells_refresh": env_int(
        "PRECINCT_ROLLUP_REFRESH_SECONDS", 30, minimum=1
    ),
}
# Uploads (appeal attachments) are private: stored here, never served as static files.
MEDIA_ROOT = Path(env_str("PRECINCT_MEDIA_DIR", str(VAR_DIR / "media"))).resolve()
# --- dispatch (102) ---------------------------------------------------------------------
# Arrival targets in minutes per priority and area type. Kazakhstan publishes no national
# arrival standard: these are the UK Policing Pledge figures (emergency: 15 min urban,
# 20 min rural; priority: 60 min), shipped as labelled reference defaults. None: no target.
PRECINCT_DISPATCH_TARGETS_MINUTES = {
    1: {"urban": env_int("PRECINCT_DISPATCH_TARGET_P1_URBAN", 15, minimum=1),
        "rural": env_int("PRECINCT_DISPATCH_TARGET_P1_RURAL", 20, minimum=1)},
    2: {"urban": 60, "rural": 60},
    3: {"urban": None, "rural": None},
    4: {"urban": None, "rural": None},
}  # fmt: skip
PRECINCT_DISPATCH_TARGETS_SOURCE = "UK Policing Pledge (reference, not a Kazakh standard)"
# Possible duplicates: open incidents of the same category this close in space and time.
PRECINCT_DISPATCH_DUPLICATE_METERS = env_float(
    "PRECINCT_DISPATCH_DUPLICATE_METERS", 300.0, positive=True
)
PRECINCT_DISPATCH_DUPLICATE_MINUTES = env_int("PRECINCT_DISPATCH_DUPLICATE_MINUTES", 30, minimum=1)
# Reported positions implying more than this are flagged (km/h) and do not move the unit.
PRECINCT_DISPATCH_MAX_SPEED_KMH = {"car": 200.0, "foot": 30.0}
# A device clock may run this far ahead of the server before its fixes are refused.
PRECINCT_DISPATCH_CLOCK_SKEW_SECONDS = 60
# Units farther than this (seconds) from an incident are not recommended.
PRECINCT_DISPATCH_MAX_ETA_SECONDS = 2 * 3600
# Demo: 102 calls a year per 1,000 residents: the national rate, about 4.4 million calls a
# year for about 20 million residents (issue 15). Cars are sized per district and shift by
# the queueing model (PRECINCT_PATROL_TARGET_*); foot patrols per residents (an
# assumption, not an official figure; see docs/demo.md).
PRECINCT_DEMO_CALLS_PER_1000 = env_float("PRECINCT_DEMO_CALLS_PER_1000", 210.0, positive=True)
PRECINCT_DEMO_RESIDENTS_PER_FOOT_PATROL = env_int(
    "PRECINCT_DEMO_RESIDENTS_PER_FOOT_PATROL", 60000, minimum=1
)

# --- public figures (issue 14) ----------------------------------------------------------
# The one small-count rule of every public page, API and download (analytics.disclosure):
# a count below this is shown as "fewer than N", a share over fewer is not published.
PRECINCT_DISCLOSURE_MIN_COUNT = env_int("PRECINCT_DISCLOSURE_MIN_COUNT", 5, minimum=1)
# How long the neighbourhood pages' figures (12 months to the end of last month) are kept
# before they are computed again, per server process.
PRECINCT_NEIGHBOURHOOD_FIGURES_SECONDS = env_int(
    "PRECINCT_NEIGHBOURHOOD_FIGURES_SECONDS", 3600, minimum=0
)
# Open data: a street-level record is shown at an anonymous map point only when the point
# stands for at least this many residential places (data.police.uk: 8 postal addresses);
# else it is published without location (docs/open-data.md, "Map points").
PRECINCT_MAP_POINT_MIN_PLACES = env_int("PRECINCT_MAP_POINT_MIN_PLACES", 8, minimum=2)

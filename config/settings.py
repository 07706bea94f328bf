"""Wangge settings.

Everything comes from environment variables with development defaults that just work:
no variable set means SQLite under var/, the database task queue and local media.
``WANGGE_PRODUCTION=1`` switches on production mode, which refuses unsafe defaults.
"""

import datetime
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from core.env import env_bool, env_int, env_list, env_networks, env_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("WANGGE_VAR_DIR", str(BASE_DIR / "var")))

DEVELOPMENT_SECRET_KEY = "wangge-development-only-secret-key-do-not-use-in-production"

PRODUCTION = env_bool("WANGGE_PRODUCTION")
SECRET_KEY = env_str("SECRET_KEY", DEVELOPMENT_SECRET_KEY)
DEBUG = env_bool("DEBUG", default=not PRODUCTION)
# Django's debug pages (tracebacks, URL lists) instead of Wangge's error pages under DEBUG: a
# developer's opt-in; the demo shows the translated pages users see (core/errors.py).
SHOW_DEBUG_PAGES = env_bool("SHOW_DEBUG_PAGES")
DEFAULT_EXCEPTION_REPORTER = "core.errors.FriendlyExceptionReporter"
CSRF_FAILURE_VIEW = "core.errors.csrf_failure"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "" if PRODUCTION else "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# Personal data (registry.pii, docs/personal-data.md): Fernet keys (the first encrypts, every
# key decrypts) and the key of the blind indexes. The development defaults are public.
DEVELOPMENT_PII_ENCRYPTION_KEY = "d2FuZ2dlLWRldmVsb3BtZW50LW9ubHktcGlpLWtleSE="
DEVELOPMENT_PII_INDEX_KEY = "wangge-development-only-blind-index-key"
PII_ENCRYPTION_KEYS = env_list("PII_ENCRYPTION_KEYS", DEVELOPMENT_PII_ENCRYPTION_KEY)
PII_INDEX_KEY = env_str("PII_INDEX_KEY", DEVELOPMENT_PII_INDEX_KEY)
# Searches by exact ID number or phone (and registrations of a number already registered) per
# user per hour; counted from the access log (registry.lookups).
REGISTRY_IDENTIFIER_LOOKUPS_PER_HOUR = env_int("REGISTRY_IDENTIFIER_LOOKUPS_PER_HOUR", 30)
# Records not verified for this many days count as stale on the coverage pages.
VERIFICATION_STALE_DAYS = env_int("VERIFICATION_STALE_DAYS", 365)
# --- registry: imports (owned by registry/imports/) ---
# The most rows (after the header, blank ones included) and columns of a roster, checked while
# the file is streamed; and the days an import's files (the uploaded roster, the rejected rows,
# both with ID numbers in clear) are kept before `manage.py purge_import_files` deletes them.
REGISTRY_IMPORT_MAX_ROWS = env_int("REGISTRY_IMPORT_MAX_ROWS", 50_000)
REGISTRY_IMPORT_MAX_COLUMNS = env_int("REGISTRY_IMPORT_MAX_COLUMNS", 200)
REGISTRY_IMPORT_RETENTION_DAYS = env_int("REGISTRY_IMPORT_RETENTION_DAYS", 7)
for _name in ("REGISTRY_IMPORT_MAX_ROWS", "REGISTRY_IMPORT_MAX_COLUMNS", "REGISTRY_IMPORT_RETENTION_DAYS"):
    if globals()[_name] < 1:
        raise ImproperlyConfigured(f"{_name} must be at least 1.")
# --- end registry: imports ---

if PRODUCTION:
    if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "Production mode needs SECRET_KEY set to a random value of at least 50 characters."
        )
    if DEBUG:
        raise ImproperlyConfigured("Production mode refuses to run with DEBUG on.")
    if not ALLOWED_HOSTS:
        raise ImproperlyConfigured("Production mode needs ALLOWED_HOSTS (comma-separated).")
    if not PII_ENCRYPTION_KEYS or DEVELOPMENT_PII_ENCRYPTION_KEY in PII_ENCRYPTION_KEYS:
        raise ImproperlyConfigured(
            "Production mode needs PII_ENCRYPTION_KEYS set to your own Fernet keys (docs/personal-data.md)."
        )
    if PII_INDEX_KEY == DEVELOPMENT_PII_INDEX_KEY or len(PII_INDEX_KEY) < 32:
        raise ImproperlyConfigured(
            "Production mode needs PII_INDEX_KEY set to a random value of at least 32 characters."
        )

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "js_lib_leaflet",
    "js_lib_bootstrap5",
    "js_lib_vega_embed",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "core",
    "areas",
    "accounts",
    "audit",
    "registry",
    "cases",
    "fieldwork",
    "participation",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "api",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "core.security_headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Read-your-writes for the read replicas (core/dbrouter.py); does nothing without replicas.
    "core.dbrouter.ReadYourWritesMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.middleware.ChosenLanguageMiddleware",
    # Wangge's error pages under DEBUG too (unless SHOW_DEBUG_PAGES), in the chosen language: core/errors.py.
    "core.errors.FriendlyErrorsMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "core.sessions.SessionIdleTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.middleware.RequestContextMiddleware",
    # Last: turns a login refused by the throttle into the lockout page (accounts/throttle.py).
    "axes.middleware.AxesMiddleware",
]

# Benchmarks only (make bench-load): every response says how many SQL queries it took.
BENCH_QUERY_COUNT = env_bool("BENCH_QUERY_COUNT")
if BENCH_QUERY_COUNT:
    MIDDLEWARE.insert(0, "core.bench.QueryCountMiddleware")

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.context_processors.wangge",
                "cases.context_processors.inbox",
                "cases.context_processors.global_settings",
            ],
        },
    },
]

# Content-Security-Policy and Permissions-Policy (core/security_headers.py). Report-only mode
# sends the policy without enforcing it (to try a change out); the report URI receives violations.
CSP_REPORT_ONLY = env_bool("CSP_REPORT_ONLY")
CSP_REPORT_URI = env_str("CSP_REPORT_URI", "")

# Database: unset DATABASE_URL means an embedded SQLite file under var/.
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'wangge.sqlite3'}"),
        conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
# Read replicas (docs/scaling.md): PostgreSQL streaming replicas of the primary, as
# comma-separated URLs; read-only views choose them (core/dbrouter.py). After a request that
# wrote, the same browser reads from the primary for REPLICA_PRIMARY_AFTER_WRITE_SECONDS.
# In tests a replica mirrors the test database (its real server is used by the tests marked
# `replica`, see core/tests/test_dbrouter_replica.py).
DATABASE_REPLICA_URLS = env_list("DATABASE_REPLICA_URLS")
if DATABASE_REPLICA_URLS and DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_REPLICA_URLS needs DATABASE_URL to be a PostgreSQL database.")
for _index, _url in enumerate(DATABASE_REPLICA_URLS, start=1):
    DATABASES[f"replica_{_index}"] = dj_database_url.parse(
        _url, conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 0), test_options={"MIRROR": "default"}
    )
# PostgreSQL's JIT compiles a plan at run time once its estimated cost is high. On the partitioned
# timeline (cases.partitions) a list's plan holds an index scan per month for each subquery, and
# compiling its hundreds of functions took 3.4 s for a 35 ms query (the Open311 list at 20 k cases).
# Short queries gain nothing from it: off unless DATABASE_JIT=1.
DATABASE_JIT = env_bool("DATABASE_JIT")
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql" and not DATABASE_JIT:
        _options = _database.setdefault("OPTIONS", {})
        _options["options"] = f"{_options.get('options', '')} -c jit=off".strip()
DATABASE_ROUTERS = ["core.dbrouter.ReplicaRouter"]
REPLICA_PRIMARY_AFTER_WRITE_SECONDS = env_int("REPLICA_PRIMARY_AFTER_WRITE_SECONDS", 10)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
# The throttle's backend comes first: it refuses a locked login before any password is checked.
AUTHENTICATION_BACKENDS = ["accounts.throttle.ThrottleBackend", "accounts.backends.RoleBackend"]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"
# A session ends after this many seconds without a request (core/sessions.py), not after
# Django's fixed two weeks: staff leave shared office computers logged in.
SESSION_IDLE_TIMEOUT = env_int("SESSION_IDLE_TIMEOUT", 2 * 60 * 60)
if SESSION_IDLE_TIMEOUT < 60:
    raise ImproperlyConfigured("SESSION_IDLE_TIMEOUT is in seconds and must be at least 60.")
SESSION_COOKIE_AGE = SESSION_IDLE_TIMEOUT
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Internationalisation: Chinese first, English second.
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = Path(env_str("STATIC_ROOT", str(VAR_DIR / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
# Uploaded files (photos, import files, ledger exports) in an S3-compatible bucket instead of
# MEDIA_ROOT, shared by every server (docs/scaling.md): set S3_BUCKET, and for anything but AWS
# S3_ENDPOINT_URL (MinIO, Ceph, a cloud's object storage). The bucket stays private: every file
# is handed out by a view that checks who may see it, never by a bucket URL. Without
# S3_ACCESS_KEY_ID the credentials come from boto3's usual places (environment, instance role).
S3_BUCKET = env_str("S3_BUCKET")
_S3_SETTINGS = ("S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY", "S3_PREFIX",
                "S3_ADDRESSING_STYLE")
if S3_BUCKET:
    S3_ADDRESSING_STYLE = env_str("S3_ADDRESSING_STYLE", "auto")
    if S3_ADDRESSING_STYLE not in ("auto", "path", "virtual"):
        raise ImproperlyConfigured("S3_ADDRESSING_STYLE must be auto, path or virtual.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env_str("S3_ENDPOINT_URL") or None,
            "region_name": env_str("S3_REGION") or None,
            "access_key": env_str("S3_ACCESS_KEY_ID") or None,
            "secret_key": env_str("S3_SECRET_ACCESS_KEY") or None,
            "location": env_str("S3_PREFIX").strip("/"),  # a folder of a shared bucket
            "addressing_style": None if S3_ADDRESSING_STYLE == "auto" else S3_ADDRESSING_STYLE,
            "signature_version": "s3v4",
            # A taken name gets a new one, as on disk (two rosters called 花名册.xlsx in one month).
            "file_overwrite": False,
            # No ACL is sent: objects are as private as the bucket (and buckets that refuse ACLs work).
            "default_acl": None,
            # url() is never shown to anyone; if it were, it would be signed and short-lived.
            "querystring_auth": True,
            "querystring_expire": 300,
            # A file read from the bucket is held in memory up to this size, beyond it in a temporary
            # file (photos stay in memory; exports and rosters do not fill it).
            "max_memory_size": 2_621_440,
        },
    }
elif any(env_str(name) for name in _S3_SETTINGS):
    raise ImproperlyConfigured("The S3_* settings need S3_BUCKET (the bucket that holds uploaded files).")

# The cache: each process's memory by default (the embedded setup); CACHE_URL=redis://host:6379/1
# shares it between processes and servers, which the rate limits of the public pages need.
CACHE_URL = env_str("CACHE_URL")
if CACHE_URL.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
    # Sessions are read from Redis and written through to the database, so a request needs no
    # session query, and a Redis restart or an evicted key logs nobody out.
    SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL must be a redis://, rediss:// or unix:// address.")
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Background tasks: the database queue by default (worker: manage.py task_worker). With
# TASKS_BACKEND=django_tasks_rq.RQBackend the queue lives in Redis at TASKS_REDIS_URL
# (workers: manage.py rqworker default; docs/scaling.md).
TASKS_BACKEND = env_str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend")
TASKS = {"default": {"BACKEND": TASKS_BACKEND}}
TASKS_REDIS_URL = env_str("TASKS_REDIS_URL")
if TASKS_BACKEND == "django_tasks_rq.RQBackend":
    if not TASKS_REDIS_URL.startswith(("redis://", "rediss://", "unix://")):
        raise ImproperlyConfigured("TASKS_BACKEND=django_tasks_rq.RQBackend needs TASKS_REDIS_URL=redis://host:6379/2.")
    INSTALLED_APPS.append("django_rq")
    # A ledger export or a large import may run for many minutes.
    RQ_QUEUES = {"default": {"URL": TASKS_REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
    # rqworker runs django-tasks' tasks only with the backend's job class.
    RQ = {"JOB_CLASS": "django_tasks_rq.backend.Job"}

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "wangge@localhost")

# Maps. An empty tile URL draws polygons on a plain background. MAP_TILE_CRS names the
# coordinate system of the tiles (WGS84, GCJ02 or BD09); polygons are shifted to match.
MAP_TILE_URL = env_str("MAP_TILE_URL", "")
MAP_TILE_ATTRIBUTION = env_str("MAP_TILE_ATTRIBUTION", "")
MAP_TILE_CRS = env_str("MAP_TILE_CRS", "WGS84").upper()
MAP_TILE_SUBDOMAINS = env_str("MAP_TILE_SUBDOMAINS", "abc")
# Public address used in QR codes on printed boards (falls back to the request's host).
PUBLIC_BASE_URL = env_str("PUBLIC_BASE_URL", "")
# How far (metres) a grid may stick out of its community before the import refuses it.
BOUNDARY_TOLERANCE_METRES = float(env_str("BOUNDARY_TOLERANCE_METRES", "2"))
# How often (seconds) the locator checks whether another process changed boundaries.
LOCATOR_CHECK_SECONDS = float(env_str("LOCATOR_CHECK_SECONDS", "5"))

# Cases (事件办理): office hours on working days, the clock of working-hour deadlines.
CASES_OFFICE_HOURS = env_str("CASES_OFFICE_HOURS", "09:00-12:00,13:00-18:00")
# --- cases: notifications and supervision (owned by cases/notifications.py) ---
# E-mail to assignees and reporters. Setting EMAIL_HOST alone switches to SMTP (unless
# EMAIL_BACKEND names another backend); with neither, mails are printed on the console.
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
if env_str("EMAIL_HOST") and not env_str("EMAIL_BACKEND"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
# Text messages to reporters (cases/sms.py): a dotted path to a backend class; the default
# logs them with the phone masked.
CASES_SMS_BACKEND = env_str("CASES_SMS_BACKEND", "cases.sms.ConsoleSMSBackend")
# The supervision worker (cases/supervision.py): the warning point (即将超期) in percent of a
# stage's time limit, and the pause between passes of `manage.py supervise_cases --loop`.
CASES_SUPERVISION_WARNING_PERCENT = env_int("CASES_SUPERVISION_WARNING_PERCENT", 75)
CASES_SUPERVISION_INTERVAL = env_int("CASES_SUPERVISION_INTERVAL", 60)
# --- end cases: notifications and supervision ---
# --- cases: ledger exports (owned by cases/ledger_exports.py) ---
# A ledger export of more rows than this is written by the task worker, with a progress bar,
# instead of during the request; its file is deleted after the retention period (days) by
# `manage.py purge_ledger_exports`.
CASES_LEDGER_BACKGROUND_ROWS = env_int("CASES_LEDGER_BACKGROUND_ROWS", 2000)
CASES_LEDGER_EXPORT_RETENTION_DAYS = env_int("CASES_LEDGER_EXPORT_RETENTION_DAYS", 3)
if CASES_LEDGER_BACKGROUND_ROWS < 0 or CASES_LEDGER_EXPORT_RETENTION_DAYS < 1:
    raise ImproperlyConfigured("CASES_LEDGER_BACKGROUND_ROWS must not be negative and "
                               "CASES_LEDGER_EXPORT_RETENTION_DAYS must be at least 1.")
# --- end cases: ledger exports ---
# --- cases: public reports (owned by cases/views/public.py) ---
# Case photos (cases/photos.py): the largest upload; the most pixels per image (from the header,
# before decoding; 16-bit or transparent images have the tighter DEEP limit) and per submission
# (pixels as decoded: a big JPEG counts at its reduced scale); the longer side of the stored,
# re-encoded JPEG; and the bounds of the child process that decodes them (cases/photodecoder.py).
CASES_PHOTO_MAX_BYTES = env_int("CASES_PHOTO_MAX_BYTES", 10 * 1024 * 1024)
CASES_PHOTO_MAX_PIXELS = env_int("CASES_PHOTO_MAX_PIXELS", 24_000_000)
CASES_PHOTO_MAX_PIXELS_DEEP = env_int("CASES_PHOTO_MAX_PIXELS_DEEP", 12_000_000)
CASES_PHOTO_MAX_REQUEST_PIXELS = env_int("CASES_PHOTO_MAX_REQUEST_PIXELS", 64_000_000)
CASES_PHOTO_MAX_SIDE = env_int("CASES_PHOTO_MAX_SIDE", 2048)
CASES_PHOTO_DECODE_MEMORY_MB = env_int("CASES_PHOTO_DECODE_MEMORY_MB", 768)
CASES_PHOTO_DECODE_TIMEOUT = env_int("CASES_PHOTO_DECODE_TIMEOUT", 30)
CASES_STAFF_MAX_PHOTOS = env_int("CASES_STAFF_MAX_PHOTOS", 9)
CASES_PUBLIC_MAX_PHOTOS = env_int("CASES_PUBLIC_MAX_PHOTOS", 5)
# Rate limits of 随手拍 and the tracking page (cases/ratelimit.py). Reports are counted in the
# database; failed code lookups in the cache named here (use a shared cache with several
# processes). CLIENT_IP_HEADER names the request header your proxy sets to the client's
# address (e.g. HTTP_X_REAL_IP); empty means REMOTE_ADDR.
CASES_PUBLIC_REPORTS_PER_IP_HOUR = env_int("CASES_PUBLIC_REPORTS_PER_IP_HOUR", 5)
CASES_PUBLIC_REPORTS_PER_PHONE_HOUR = env_int("CASES_PUBLIC_REPORTS_PER_PHONE_HOUR", 3)
CASES_TRACK_FAILED_LOOKUPS_PER_IP_HOUR = env_int("CASES_TRACK_FAILED_LOOKUPS_PER_IP_HOUR", 20)
CASES_RATELIMIT_CACHE = env_str("CASES_RATELIMIT_CACHE", "default")
# Seconds the workbench's queue counts are kept while no case in the user's areas changes
# (cases/queue_counts.py); off by default unless the cache is shared between processes.
CASES_QUEUE_COUNT_SECONDS = env_int("CASES_QUEUE_COUNT_SECONDS", 30 if CACHE_URL else 0)

# Participation (共建共治, docs/participation.md): days a wish claim lasts before the wish returns
# to the wall, and public claims per client address and per phone per hour.
PARTICIPATION_CLAIM_DAYS = env_int("PARTICIPATION_CLAIM_DAYS", 14)
PARTICIPATION_PUBLIC_CLAIMS_PER_IP_HOUR = env_int("PARTICIPATION_PUBLIC_CLAIMS_PER_IP_HOUR", 3)
PARTICIPATION_PUBLIC_CLAIMS_PER_PHONE_HOUR = env_int("PARTICIPATION_PUBLIC_CLAIMS_PER_PHONE_HOUR", 2)
# 议事: residents' proposals from the public page, and failed QR sign-ins / evaluation codes.
PARTICIPATION_PUBLIC_PROPOSALS_PER_IP_HOUR = env_int("PARTICIPATION_PUBLIC_PROPOSALS_PER_IP_HOUR", 3)
PARTICIPATION_PUBLIC_PROPOSALS_PER_PHONE_HOUR = env_int("PARTICIPATION_PUBLIC_PROPOSALS_PER_PHONE_HOUR", 2)
PARTICIPATION_PUBLIC_FAILED_CODES_PER_IP_HOUR = env_int("PARTICIPATION_PUBLIC_FAILED_CODES_PER_IP_HOUR", 10)
# 扫码表决: SMS codes texted per household link and per client address per hour.
PARTICIPATION_VOTE_CODES_PER_LINK_HOUR = env_int("PARTICIPATION_VOTE_CODES_PER_LINK_HOUR", 3)
PARTICIPATION_VOTE_CODES_PER_IP_HOUR = env_int("PARTICIPATION_VOTE_CODES_PER_IP_HOUR", 10)
# 公约: public comments on a draft convention per client address per hour.
PARTICIPATION_PUBLIC_COMMENTS_PER_IP_HOUR = env_int("PARTICIPATION_PUBLIC_COMMENTS_PER_IP_HOUR", 5)
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", "")
# --- end cases: public reports ---
# --- fieldwork (owned by fieldwork/, docs/fieldwork.md) ---
# Patrol routes: with this on, a worker who consents when starting a patrol sends location
# points while the patrol is active; with it off (the default) no point is ever stored.
FIELDWORK_ROUTE_TRACKING = env_bool("FIELDWORK_ROUTE_TRACKING")
# Seconds between two points sent by the patrol page (at least 10), and days a point is kept
# before the daily ``purge_route_points`` deletes it (at least 1).
FIELDWORK_ROUTE_INTERVAL_SECONDS = max(env_int("FIELDWORK_ROUTE_INTERVAL_SECONDS", 60), 10)
FIELDWORK_ROUTE_RETENTION_DAYS = max(env_int("FIELDWORK_ROUTE_RETENTION_DAYS", 90), 1)
# Photos per check-in (each goes through cases/photos.py like a case photo).
FIELDWORK_MAX_PHOTOS = env_int("FIELDWORK_MAX_PHOTOS", 6)
# --- end fieldwork ---
# The proxies in front of Wangge (addresses or networks, e.g. 127.0.0.1,::1). Only requests
# straight from them may bring an X-Request-Id; when set, CLIENT_IP_HEADER counts only on them too.
TRUSTED_PROXY_IPS = env_networks("TRUSTED_PROXY_IPS")

# --- accounts: login throttling (owned by accounts/throttle.py, docs/configuration.md) ---
# Failed logins lock one username (from any address) after LOGIN_FAILURES_PER_ACCOUNT and one
# client address (for any usernames) after LOGIN_FAILURES_PER_ADDRESS. A lock lasts
# LOGIN_LOCKOUT_MINUTES from the last failure and doubles with every further full limit of
# failures, up to LOGIN_LOCKOUT_MAX_MINUTES (also how long failures are remembered).
LOGIN_FAILURES_PER_ACCOUNT = env_int("LOGIN_FAILURES_PER_ACCOUNT", 5)
LOGIN_FAILURES_PER_ADDRESS = env_int("LOGIN_FAILURES_PER_ADDRESS", 20)
LOGIN_LOCKOUT_MINUTES = env_int("LOGIN_LOCKOUT_MINUTES", 15)
LOGIN_LOCKOUT_MAX_MINUTES = env_int("LOGIN_LOCKOUT_MAX_MINUTES", 24 * 60)
if min(LOGIN_FAILURES_PER_ACCOUNT, LOGIN_FAILURES_PER_ADDRESS, LOGIN_LOCKOUT_MINUTES) < 1 \
        or LOGIN_LOCKOUT_MAX_MINUTES < LOGIN_LOCKOUT_MINUTES:
    raise ImproperlyConfigured("The LOGIN_FAILURES_* and LOGIN_LOCKOUT_* settings must be positive, "
                               "and LOGIN_LOCKOUT_MAX_MINUTES at least LOGIN_LOCKOUT_MINUTES.")
# django-axes, configured for those rules; not meant to be changed on their own.
AXES_HANDLER = "accounts.throttle.LoginThrottle"
AXES_USERNAME_CALLABLE = "accounts.throttle.attempted_username"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_FAILURE_LIMIT = LOGIN_FAILURES_PER_ACCOUNT
AXES_COOLOFF_TIME = datetime.timedelta(minutes=LOGIN_LOCKOUT_MAX_MINUTES)
AXES_RESET_ON_SUCCESS = True
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_CLIENT_IP_CALLABLE = "core.request_context.client_address"
AXES_LOCKOUT_CALLABLE = "accounts.throttle.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
AXES_ENABLE_ACCESS_FAILURE_LOG = True
AXES_VERBOSE = False
# --- end accounts: login throttling ---

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}

if PRODUCTION:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", True)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
    SECURE_CONTENT_TYPE_NOSNIFF = True
    SECURE_REFERRER_POLICY = "same-origin"
    X_FRAME_OPTIONS = "DENY"
    SILENCED_SYSTEM_CHECKS = [] if env_bool("SECURE_HSTS_PRELOAD") else ["security.W021"]

# --- api: REST API v1 (owned by api/, docs/api.md) ---
# Requests per minute a personal access token (or a signed-in user) may make; 429 beyond.
API_RATE_PER_MINUTE = env_int("API_RATE_PER_MINUTE", 120)
# The longest life of a personal access token, in days (a token must expire).
API_TOKEN_MAX_DAYS = env_int("API_TOKEN_MAX_DAYS", 366)
# How often (seconds) a token's "last used" time and address are written (not on every request).
API_TOKEN_TOUCH_SECONDS = env_int("API_TOKEN_TOUCH_SECONDS", 60)
# Webhooks (docs/webhooks.md). Receivers' addresses must be https, unless WEBHOOK_ALLOW_HTTP
# (default: DEBUG, for development and tests); addresses resolving to private, loopback or
# link-local networks are refused unless WEBHOOK_ALLOW_PRIVATE_ADDRESSES (an intranet receiver).
WEBHOOK_ALLOW_HTTP = env_bool("WEBHOOK_ALLOW_HTTP", DEBUG)
if PRODUCTION and WEBHOOK_ALLOW_HTTP:
    raise ImproperlyConfigured("Production mode refuses WEBHOOK_ALLOW_HTTP: webhook receivers must use https.")
WEBHOOK_ALLOW_PRIVATE_ADDRESSES = env_bool("WEBHOOK_ALLOW_PRIVATE_ADDRESSES", False)
# Seconds to connect and to wait for each read of the receiver's answer.
WEBHOOK_TIMEOUT_SECONDS = env_int("WEBHOOK_TIMEOUT_SECONDS", 5)
# A subscription whose deliveries have failed without a success for this many days is disabled.
WEBHOOK_DISABLE_AFTER_DAYS = env_int("WEBHOOK_DISABLE_AFTER_DAYS", 3)
# --- api: Open311 GeoReport v2 (owned by api/open311/, docs/open311.md) ---
# The jurisdiction_id clients may send (e.g. the city's domain); another value is a 404. Empty:
# any value is accepted (a server serves one jurisdiction, so clients may leave it out).
OPEN311_JURISDICTION_ID = env_str("OPEN311_JURISDICTION_ID", "")
# The discovery document's contact and key_service texts (defaults: ask the administrator).
OPEN311_CONTACT = env_str("OPEN311_CONTACT", "")
OPEN311_KEY_SERVICE = env_str("OPEN311_KEY_SERVICE", "")
# The largest (and default) page of GET requests and servicerequestupdates, as the spec's 1000.
OPEN311_MAX_PAGE_SIZE = env_int("OPEN311_MAX_PAGE_SIZE", 1000)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "api.authentication.AccessTokenAuthentication",
        "api.authentication.CsrfSessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.PerTokenThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [
        "rest_framework.parsers.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.errors.exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "DATETIME_FORMAT": "iso-8601",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Wangge API",
    "DESCRIPTION": "REST API v1 of Wangge (网格化服务管理). See docs/api.md.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "AreaLevelEnum": "areas.models.Level",
        "HandlingLevelEnum": "cases.models.HandlingLevel",
    },
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.add_error_responses",
    ],
}
# --- end api ---

# Hand-off to a city platform (docs/city-handoff.md): the platforms themselves are data (admin).
CITY_HANDOFF_TIMEOUT_SECONDS = env_int("CITY_HANDOFF_TIMEOUT_SECONDS", 10)
# Seconds between passes of ``manage.py sync_city_handoffs --loop`` (sends due retries, pulls updates).
CITY_HANDOFF_INTERVAL = env_int("CITY_HANDOFF_INTERVAL", 300)

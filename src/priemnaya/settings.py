"""Settings from environment variables with embedded defaults (docs/configuration.md)."""

from datetime import timedelta as _timedelta
from pathlib import Path
from typing import Any

import environ

BASE_DIR = Path(__file__).resolve().parent
env = environ.Env()

VAR_DIR = Path(env.str("PRIEMNAYA_VAR_DIR", default=str(Path.cwd() / "var")))

DEBUG = env.bool("DEBUG", default=False)
# The embedded key only works with DEBUG on; production must supply its own.
_DEV_SECRET = "insecure-dev-only-key-set-SECRET_KEY-in-production"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET if DEBUG else "")
if not SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off (see docs/configuration.md)"
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_tasks",
    "django_tasks_db",
    # Only for its static files: the API docs serve Swagger UI from here, not from a CDN.
    "ninja",
    # Issue 9: lockout (django-axes), image captcha, second factor (django-otp), CSP nonces.
    "axes",
    "captcha",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "csp",
    "priemnaya.core",
    "priemnaya.audit",
    "priemnaya.accounts",
    "priemnaya.security",
    "priemnaya.privacy",
    "priemnaya.catalog",
    "priemnaya.attachments",
    "priemnaya.appeals",
    "priemnaya.notifications",
    "priemnaya.search",
    "priemnaya.knowledge",
    "priemnaya.hotline",  # issue 13 — hotline: lines, their hours, the contacts page
    "priemnaya.chat",  # issue 13 — live chat: bot, hand-over, operator console
    "priemnaya.mail_intake",  # issue 13 — inbound e-mail → support requests
    "priemnaya.webhooks",
    "priemnaya.answers",
    "priemnaya.analytics",  # issue 14 — dashboard, daily rollups, monthly report
    "priemnaya.collective",  # issue 14 — collective issues, co-signing
    "priemnaya.opendata",  # issue 14 — public open-data dashboard and published answers
    "priemnaya.retention",  # issue 14 — retention policy, archive, anonymisation, acts
    "priemnaya.web",
    "priemnaya.api",
    "priemnaya.ops",
    "priemnaya.demo",
]

MIDDLEWARE = [
    # First: the request id (X-Request-ID) that every log line of the request carries.
    "priemnaya.core.logs.RequestId",
    # Then the metrics: times every answer, the middleware below included (core/metrics.py).
    "priemnaya.core.metrics.RequestMetrics",
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every answer (CONTENT_SECURITY_POLICY below).
    "priemnaya.core.csp.ContentSecurityPolicy",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise, so static files keep their caching; every other answer: no-store.
    "priemnaya.core.caching.NoStoreByDefault",
    # Outside everything that can fail, so that an /api/ error made by Django is JSON too.
    "priemnaya.api.middleware.ApiErrorsAsJson",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "priemnaya.security.middleware.AccountSecurity",  # issue 9: ended sessions, staff 2FA
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # After authentication (per-user limits); answers 429 before any view runs.
    "priemnaya.security.ratelimit.RateLimitMiddleware",
    # Last: turns a sign-in that axes locked out into the 429 page (security.lockout).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "priemnaya.urls"
WSGI_APPLICATION = "priemnaya.wsgi.application"
ASGI_APPLICATION = "priemnaya.asgi.application"

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
                "priemnaya.web.context.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'priemnaya.sqlite3'}")
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers run beside the writer; IMMEDIATE takes the write lock at BEGIN so two
    # writers queue on busy_timeout instead of failing with "database is locked" mid-transaction.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A read replica (PostgreSQL streaming replication) for the selectors that tolerate lag
# (core/replicas.py, docs/deployment.md «Реплики для чтения»); PRIEMNAYA_REPLICA_READS=0 sends
# those reads back to the primary, e.g. while the replica is behind.
PRIEMNAYA_REPLICA_URL = env.str("PRIEMNAYA_REPLICA_URL", default="")
PRIEMNAYA_REPLICA_READS = env.bool("PRIEMNAYA_REPLICA_READS", default=True)
if PRIEMNAYA_REPLICA_URL:
    DATABASES["replica"] = env.db_url("PRIEMNAYA_REPLICA_URL")
    DATABASES["replica"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
DATABASE_ROUTERS = ["priemnaya.core.replicas.ReplicaRouter"]

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
# axes first: it refuses a locked-out login before any password is hashed.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "priemnaya.accounts.backends.LoginBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:home"

# Argon2id first (accounts.passwords.Argon2idHasher); PBKDF2 only to check the hashes of accounts
# made before, which are re-hashed with Argon2id at their next sign-in.
PASSWORD_HASHERS = [
    "priemnaya.accounts.passwords.Argon2idHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2SHA1PasswordHasher",
]

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
    {"NAME": "priemnaya.accounts.passwords.CharacterClassValidator"},
]

LANGUAGE_CODE = env.str("LANGUAGE_CODE", default="ru")
LANGUAGES = [("ru", "Русский"), ("en", "English")]
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Moscow")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env.str("STATIC_ROOT", default=str(VAR_DIR / "static")))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Appeal attachments (SPEC §7): a local folder here, S3-compatible in production (see
    # docs/attachments.md). Never served by URL: downloads go through an access check.
    "attachments": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(VAR_DIR / "attachments"), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
# Serve app static files straight from the package so the demo needs no collectstatic.
WHITENOISE_USE_FINDERS = env.bool("WHITENOISE_USE_FINDERS", default=True)
WHITENOISE_AUTOREFRESH = DEBUG

# Background tasks (docs/deployment.md, «Брокер задач»): the embedded database queue by default;
# PRIEMNAYA_TASKS_BROKER=rq puts them on RQ in the Redis of REDIS_URL (django-tasks-rq), worked by
# every `priemnaya worker`. TASKS_BACKEND still names any backend outright (the tests' immediate).
PRIEMNAYA_TASKS_BROKER = env.str("PRIEMNAYA_TASKS_BROKER", default="db")
if PRIEMNAYA_TASKS_BROKER not in ("db", "rq"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("PRIEMNAYA_TASKS_BROKER must be «db» or «rq»")
_TASKS_BACKEND = env.str(
    "TASKS_BACKEND",
    default="django_tasks_rq.RQBackend"
    if PRIEMNAYA_TASKS_BROKER == "rq"
    else "django_tasks_db.DatabaseBackend",
)
TASKS = {"default": {"BACKEND": _TASKS_BACKEND, "QUEUES": ["default"]}}
if _TASKS_BACKEND.startswith("django_tasks_rq."):
    _RQ_URL = env.str("PRIEMNAYA_RQ_URL", default="") or env.str("REDIS_URL", default="")
    if not _RQ_URL:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("the RQ broker needs REDIS_URL (or PRIEMNAYA_RQ_URL)")
    INSTALLED_APPS += ["django_rq"]
    # A job runs at most this long (rq kills it after); the sweeps over a million appeals fit.
    RQ_QUEUES = {
        "default": {
            "URL": _RQ_URL,
            "DEFAULT_TIMEOUT": env.int("PRIEMNAYA_RQ_JOB_TIMEOUT", default=900),
        }
    }
CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}
if env.str("REDIS_URL", default=""):
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": [env.str("REDIS_URL")]},
        }
    }

# Where pages open WebSockets (chat, live console): empty — /ws/ of the page's own origin, which
# a reverse proxy sends to the ASGI process (docs/deployment.md); else a full ws:// or wss:// URL
# of the ASGI process itself (the demo: ws://127.0.0.1:<port + 1>/ws/), allowed by the CSP below.
PRIEMNAYA_WS_URL = env.str("PRIEMNAYA_WS_URL", default="")

# Security: secure by default, relaxed only for plain-HTTP local work (demo and tests).
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = not DEBUG
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
# Load balancers probe health over plain HTTP inside the network; a redirect would read as down.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("BEHIND_TLS_PROXY", default=False) else None
)
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
CSRF_FAILURE_VIEW = "priemnaya.web.views.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): everything from this server only, no inline script or
# style, no plugins, no framing. Push needs the service worker (worker-src); QR codes and the API
# docs' icons are data: images.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "worker-src": ["'self'"],
        "manifest-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
if PRIEMNAYA_WS_URL:
    # The WebSocket origin of PRIEMNAYA_WS_URL (scheme, host and port), not its path.
    from urllib.parse import urlsplit as _urlsplit

    _ws = _urlsplit(PRIEMNAYA_WS_URL)
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["connect-src"].append(f"{_ws.scheme}://{_ws.netloc}")

# E-mail: EMAIL_URL in django-environ's form (smtp://user:password@host:port, smtp+tls://…,
# smtp+ssl://…). Without it, e-mail goes to the dev outbox (/dev/outbox/ in the demo).
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    vars().update(env.email_url("EMAIL_URL"))
else:
    EMAIL_BACKEND = env.str(
        "EMAIL_BACKEND", default="priemnaya.notifications.devoutbox.DevOutboxEmailBackend"
    )
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Приёмная <noreply@priemnaya.local>")

# PRIEMNAYA_LOG_FORMAT=json: one JSON object per line with the request id (core/logs.py), for a
# log collector; the default stays plain text for people.
LOG_FORMAT = env.str("PRIEMNAYA_LOG_FORMAT", default="text")
if LOG_FORMAT not in ("text", "json"):
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("PRIEMNAYA_LOG_FORMAT must be «text» or «json»")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"json": {"()": "priemnaya.core.logs.JsonFormatter"}},
    "handlers": {
        "console": {"class": "logging.StreamHandler"}
        | ({"formatter": "json"} if LOG_FORMAT == "json" else {})
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # axes logs every sign-in at INFO; our SignInEvent and the audit log keep them instead.
        "axes": {"level": "WARNING"},
    },
}

# Product settings.
PRIEMNAYA = {
    # Days after the answer when an appeal the applicant did not close is closed by the timer.
    "AUTOCLOSE_DAYS": env.int("PRIEMNAYA_AUTOCLOSE_DAYS", default=10),
    "API_TOKEN_TTL_DAYS": env.int("PRIEMNAYA_API_TOKEN_TTL_DAYS", default=30),
    # Expired and revoked tokens stay listed to their owner this long, then are deleted.
    "API_TOKEN_KEEP_DAYS": env.int("PRIEMNAYA_API_TOKEN_KEEP_DAYS", default=90),
    "PAGE_SIZE": 20,
    # Incidents (SPEC §17): this many similar support appeals within the window open one.
    "INCIDENT_THRESHOLD": env.int("PRIEMNAYA_INCIDENT_THRESHOLD", default=5),
    "INCIDENT_WINDOW_MINUTES": env.int("PRIEMNAYA_INCIDENT_WINDOW_MINUTES", default=30),
    # Seconds between runs of the deadline sweeps (due soon, breaches) and of the auto-close;
    # however many workers run, each runs once per interval (core.leases).
    "SWEEP_EVERY": env.int("PRIEMNAYA_SWEEP_EVERY", default=60),
    "AUTOCLOSE_EVERY": env.int("PRIEMNAYA_AUTOCLOSE_EVERY", default=300),
}
# Where links in notifications point: the public address of the site.
# GET /metrics answers 127.0.0.1/::1 and requests bearing this token; anyone else gets 404.
PRIEMNAYA_METRICS_TOKEN = env.str("PRIEMNAYA_METRICS_TOKEN", default="")
PRIEMNAYA_SITE_URL = env.str("PRIEMNAYA_SITE_URL", default="http://127.0.0.1:8000")
# Notifications (docs/notification-delivery.md): a sender per channel; the feed needs none.
PRIEMNAYA_NOTIFY_SENDERS = {
    "email": "priemnaya.notifications.channels.email.EmailSender",
    "sms": "priemnaya.notifications.channels.sms.SmsSender",
    "push": "priemnaya.notifications.channels.push.PushSender",
}
# Long-running loops of `priemnaya worker` besides the task queue and the outbox relay: dotted
# callables taking a threading.Event that tells them to stop.
PRIEMNAYA_WORKER_LOOPS: list[str] = []
# The notification sender (docs/notification-delivery.md): lease of a claimed batch, back-off base
# and attempts before a notification is parked as failed.
PRIEMNAYA_WORKER_LOOPS.append("priemnaya.notifications.sender.run_forever")
PRIEMNAYA_NOTIFY_LEASE = env.int("PRIEMNAYA_NOTIFY_LEASE", default=120)
PRIEMNAYA_NOTIFY_RETRY_BASE = env.int("PRIEMNAYA_NOTIFY_RETRY_BASE", default=30)
PRIEMNAYA_NOTIFY_MAX_ATTEMPTS = env.int("PRIEMNAYA_NOTIFY_MAX_ATTEMPTS", default=8)
# Sender loops per worker process, sharing the queue by their claims (one SMTP connection each).
PRIEMNAYA_NOTIFY_SENDERS_PER_WORKER = env.int("PRIEMNAYA_NOTIFY_SENDERS_PER_WORKER", default=4)
# The journal's outbox, relayed by `priemnaya worker` to every registered consumer.
PRIEMNAYA_OUTBOX = "priemnaya.appeals.outbox"
# Periodic jobs run by `priemnaya worker`: (dotted task path, interval in seconds).
PRIEMNAYA_PERIODIC_TASKS = [
    ("priemnaya.appeals.tasks.appeals_sweep", PRIEMNAYA["SWEEP_EVERY"]),
    ("priemnaya.appeals.tasks.appeals_autoclose", PRIEMNAYA["AUTOCLOSE_EVERY"]),
    (
        "priemnaya.api.tasks.idempotency_purge",
        env.int("PRIEMNAYA_IDEMPOTENCY_PURGE_EVERY", default=3600),
    ),
    (
        "priemnaya.accounts.tasks.api_tokens_purge",
        env.int("PRIEMNAYA_API_TOKEN_PURGE_EVERY", default=86400),
    ),
]
# SMS (docs/notification-delivery.md, «Channels and templates»): an HTTP gateway if its URL is set,
# else the dev outbox. The gateway calls back /api/v1/notifications/sms-status with
# X-Callback-Token: SMS_CALLBACK_TOKEN (callbacks are refused while it is empty).
SMS_GATEWAY_URL = env.str("SMS_GATEWAY_URL", default="")
SMS_GATEWAY_TOKEN = env.str("SMS_GATEWAY_TOKEN", default="")
SMS_GATEWAY_TIMEOUT = env.float("SMS_GATEWAY_TIMEOUT", default=10.0)
SMS_CALLBACK_TOKEN = env.str("SMS_CALLBACK_TOKEN", default="")
# Web push: VAPID keys (PEM or base64url raw private key); generated into VAR_DIR when unset.
VAPID_PRIVATE_KEY = env.str("VAPID_PRIVATE_KEY", default="")
VAPID_PUBLIC_KEY = env.str("VAPID_PUBLIC_KEY", default="")
VAPID_SUBJECT = env.str("VAPID_SUBJECT", default="")
PUSH_TIMEOUT = env.float("PUSH_TIMEOUT", default=10.0)
PUSH_TTL = env.int("PUSH_TTL", default=86_400)
# Webhooks (docs/webhooks.md): signed appeal events to external systems, retried with back-off.
PRIEMNAYA_WEBHOOK_TIMEOUT = env.float("PRIEMNAYA_WEBHOOK_TIMEOUT", default=10.0)
PRIEMNAYA_WEBHOOK_RETRY_BASE = env.float("PRIEMNAYA_WEBHOOK_RETRY_BASE", default=30.0)
PRIEMNAYA_WEBHOOK_MAX_ATTEMPTS = env.int("PRIEMNAYA_WEBHOOK_MAX_ATTEMPTS", default=8)
PRIEMNAYA_WEBHOOK_DISABLE_AFTER = env.int("PRIEMNAYA_WEBHOOK_DISABLE_AFTER", default=10)
PRIEMNAYA_WEBHOOK_CONCURRENCY = env.int("PRIEMNAYA_WEBHOOK_CONCURRENCY", default=8)
# Seconds a claim outlives the batch's worst case (every POST timing out), before another worker
# may take over the deliveries of a sender that died.
PRIEMNAYA_WEBHOOK_LEASE_MARGIN = env.float("PRIEMNAYA_WEBHOOK_LEASE_MARGIN", default=30.0)
PRIEMNAYA_WORKER_LOOPS += ["priemnaya.webhooks.sender.run_forever"]
# Push subscriptions at a push service on http://127.0.0.1 (tests, the demo); else https only.
PRIEMNAYA_PUSH_LOCAL = env.bool("PRIEMNAYA_PUSH_LOCAL", default=DEBUG)
# Staff sign in with a second factor (TOTP or an SMS code); docs/security.md.
PRIEMNAYA_STAFF_SECOND_FACTOR = env.bool("PRIEMNAYA_STAFF_SECOND_FACTOR", default=True)
# Issue 9 — privacy: personal data (docs/security-personal-data.md). Where each store of personal
# data is located (152-FZ art. 18 p.5): "database=RU (ЦОД, Москва); email=RU (…)"; stores on this
# server default to «RU (этот сервер)», remote ones must be declared (`priemnaya pd-check`).
PRIEMNAYA_PD_LOCATIONS = {
    key.strip(): value.strip()
    for key, _, value in (
        item.partition("=") for item in env.str("PRIEMNAYA_PD_LOCATIONS", default="").split(";")
    )
    if key.strip() and value.strip()
}
# Where backups go, if the service makes them (a path, file:// or s3://host/bucket): pd-check
# lists it as a store of personal data.
PRIEMNAYA_BACKUP_URL = env.str("PRIEMNAYA_BACKUP_URL", default="")
# Seconds between runs of the breach alerts (2 h before each RKN notice deadline, and after it).
PRIEMNAYA_BREACH_ALERT_EVERY = env.int("PRIEMNAYA_BREACH_ALERT_EVERY", default=300)
PRIEMNAYA_PERIODIC_TASKS.append(
    ("priemnaya.privacy.tasks.breach_alerts", PRIEMNAYA_BREACH_ALERT_EVERY)
)
# Issue 9 — identity: registration with confirmed contacts, consent, the password policy.
# PRIEMNAYA_PASSWORD_POLICY: "spec" (SPEC §13, the default) or "nist" (ASVS 5 / NIST 800-63B);
# docs/security-identity.md. It replaces the AUTH_PASSWORD_VALIDATORS list above.
PRIEMNAYA_PASSWORD_POLICY = env.str("PRIEMNAYA_PASSWORD_POLICY", default="spec")
from priemnaya.accounts.password_policy import password_validators  # noqa: E402

AUTH_PASSWORD_VALIDATORS = password_validators(PRIEMNAYA_PASSWORD_POLICY)
# Issue 9 — audit: the audit log's hash chain is an HMAC-SHA256 under this key when set (keep it
# outside the database, never change it once entries exist); empty: plain SHA-256.
# docs/security-audit.md
PRIEMNAYA_AUDIT_KEY = env.str("PRIEMNAYA_AUDIT_KEY", default="")

# Issue 9 — twofactor: second factor (django-otp), sessions and API tokens.
# The name authenticator apps show beside the codes (the otpauth:// URI's issuer).
OTP_TOTP_ISSUER = env.str("PRIEMNAYA_OTP_ISSUER", default="Приёмная")
# Issue 9 — signin: lockout (django-axes), rate limits (django-ratelimit), the shared cache they
# count in, remember-me; docs/security-signin.md.
# The cache is shared by every process: Redis when REDIS_URL is set (production), else files under
# VAR_DIR/cache on this one machine (demo, a single server).
REDIS_URL = env.str("REDIS_URL", default="")
INSTALLED_APPS += ["django_ratelimit"]  # for its system checks on the cache
SILENCED_SYSTEM_CHECKS = [
    # django-ratelimit lists only django-redis as supported; Django's own RedisCache increments
    # with INCR, which is atomic just the same.
    "django_ratelimit.W001",
    # The covering index of the queue tabs' counts (appeals/0017) has INCLUDE columns, which only
    # PostgreSQL uses; SQLite builds it as a plain index on its key columns, which is enough there.
    "models.W040",
]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "priemnaya.core.redis_cache.SharedClientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "priemnaya",
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    }
    # Without Redis the counters live in files shared by the processes of this machine; their
    # increments are not atomic, so a burst of parallel requests can slip a few extra attempts
    # past a limit. Accepted for the demo and a one-machine install; set REDIS_URL in production.
    SILENCED_SYSTEM_CHECKS.append("django_ratelimit.E003")
# Lockout: 5 failures for one login (normalised e-mail or phone, known or not) lock it for 30 min.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = _timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=30))
AXES_LOCKOUT_PARAMETERS = ["username"]
# axes.W006 wants the IP among the lockout parameters, but axes has one failure limit for all of
# them: 5 failures would lock a whole office behind one NAT. The per-IP limit (30 failed sign-ins
# an hour, PRIEMNAYA_RATE_LIMITS["signin_failures"]) is counted by security.signin instead.
SILENCED_SYSTEM_CHECKS.append("axes.W006")
AXES_USERNAME_FORM_FIELD = "username"
AXES_USERNAME_CALLABLE = "priemnaya.security.lockout.login_key_of"
AXES_LOCKOUT_CALLABLE = "priemnaya.security.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "priemnaya.core.requests.client_ip"
AXES_RESET_ON_SUCCESS = True
# The lock runs 30 minutes from the 5th failure; tries while locked are refused without counting.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
AXES_SENSITIVE_PARAMETERS = ["username", "ip_address", "login", "password", "otp"]
# The sign-in history is accounts.SignInEvent; axes keeps only its live failure counts.
AXES_DISABLE_ACCESS_LOG = True
# Rate limits per client IP and, where marked, per signed-in user ("count/period", period s/m/h/d).
# The table of paths is in security/ratelimit.py; "signin_failures" is the per-IP failure limit.
PRIEMNAYA_RATE_LIMITS = {
    "signin": env.str("PRIEMNAYA_RATE_SIGNIN", default="30/m"),
    "signin_failures": env.str("PRIEMNAYA_RATE_SIGNIN_FAILURES", default="30/h"),
    "codes": env.str("PRIEMNAYA_RATE_CODES", default="20/h"),
    "reset": env.str("PRIEMNAYA_RATE_RESET", default="10/h"),
    "unlock": env.str("PRIEMNAYA_RATE_UNLOCK", default="20/h"),
    "appeals": env.str("PRIEMNAYA_RATE_APPEALS", default="300/h"),
    "appeals_user": env.str("PRIEMNAYA_RATE_APPEALS_USER", default="60/h"),
    # Issue 10 — renditions: the public verification of answers (page and API), per IP.
    "verify": env.str("PRIEMNAYA_RATE_VERIFY", default="60/h"),
    # Issue 12 — the theme suggester's API (called while typing, debounced), per IP.
    "suggest": env.str("PRIEMNAYA_RATE_SUGGEST", default="300/h"),
    # Issue 12 — knowledge base: «Помогла ли статья?» votes, per IP.
    "feedback": env.str("PRIEMNAYA_RATE_FEEDBACK", default="30/h"),
    # Issue 13 — status without an account: code requests and code checks, per IP.
    "status": env.str("PRIEMNAYA_RATE_STATUS", default="30/h"),
    # Issue 13 — chat: the pages' POSTs (the form without JavaScript, files), per IP.
    "chat": env.str("PRIEMNAYA_RATE_CHAT", default="600/h"),
    # Issue 14 — open data: the public summary, its exports and published answers, per IP.
    "open_data": env.str("PRIEMNAYA_RATE_OPEN_DATA", default="600/h"),
}
# Issue 12 — the theme suggester (search/suggest.py): it refuses to learn from fewer labelled
# appeals than this; the filing form shows a suggestion only from this confidence up.
PRIEMNAYA_SUGGEST_MIN_SAMPLES = env.int("PRIEMNAYA_SUGGEST_MIN_SAMPLES", default=30)
PRIEMNAYA_SUGGEST_MIN_CONFIDENCE = env.float("PRIEMNAYA_SUGGEST_MIN_CONFIDENCE", default=0.4)
# «Запомнить меня»: the session lasts this many days; otherwise it ends when the browser closes.
PRIEMNAYA_REMEMBER_DAYS = env.int("PRIEMNAYA_REMEMBER_DAYS", default=30)
# The early unlock's image captcha (django-simple-captcha): drawn here, no outside service.
CAPTCHA_FONT_SIZE = 40
CAPTCHA_LENGTH = 5
CAPTCHA_TIMEOUT = 10  # minutes a picture stays valid
# axes prints a banner at start-up and each lockout decision; LOGGING keeps its warnings.
AXES_VERBOSE = False
# Issue 10 — answers: signing keys (docs/signatures.md). Every key found verifies; the newest one
# with a private part (or PRIEMNAYA_SIGNING_KEY_ID) signs. PRIEMNAYA_SIGNING_KEY: a key as JSON.
PRIEMNAYA_SIGNING_KEYS_DIR = env.str("PRIEMNAYA_SIGNING_KEYS_DIR", default=str(VAR_DIR / "keys"))
PRIEMNAYA_SIGNING_KEY = env.str("PRIEMNAYA_SIGNING_KEY", default="")
PRIEMNAYA_SIGNING_KEY_ID = env.str("PRIEMNAYA_SIGNING_KEY_ID", default="")
# The issuer's name printed at the top of answers, exports and complaints.
PRIEMNAYA_SERVICE_NAME = env.str(
    "PRIEMNAYA_SERVICE_NAME", default="Приёмная — служба обращений граждан"
)
# Issue 10 — attachments (docs/attachments.md): limits, the scanner, the storage.
PRIEMNAYA_ATTACHMENT_MAX_BYTES = env.int("PRIEMNAYA_ATTACHMENT_MAX_BYTES", default=5 * 1024 * 1024)
PRIEMNAYA_APPEAL_ATTACHMENTS_MAX_BYTES = env.int(
    "PRIEMNAYA_APPEAL_ATTACHMENTS_MAX_BYTES", default=10 * 1024 * 1024
)
PRIEMNAYA_APPEAL_ATTACHMENTS_MAX_COUNT = env.int(
    "PRIEMNAYA_APPEAL_ATTACHMENTS_MAX_COUNT", default=10
)
PRIEMNAYA_CHAT_ATTACHMENTS_MAX_COUNT = env.int("PRIEMNAYA_CHAT_ATTACHMENTS_MAX_COUNT", default=3)
# Uploaded but not yet sent with a form: at most this much per person, removed after the TTL.
PRIEMNAYA_STAGED_ATTACHMENTS_MAX_BYTES = env.int(
    "PRIEMNAYA_STAGED_ATTACHMENTS_MAX_BYTES", default=30 * 1024 * 1024
)
PRIEMNAYA_STAGED_ATTACHMENTS_TTL = env.int("PRIEMNAYA_STAGED_ATTACHMENTS_TTL", default=24 * 3600)
PRIEMNAYA_PERIODIC_TASKS.append(
    (
        "priemnaya.attachments.tasks.staged_sweep",
        env.int("PRIEMNAYA_STAGED_SWEEP_EVERY", default=3600),
    )
)
# A clamd to scan every upload: "tcp://host:port" or a unix socket path; empty: no scanning.
PRIEMNAYA_CLAMAV = env.str("PRIEMNAYA_CLAMAV", default="")
# Or any scanner: the dotted path of a class with scan(data) -> found name | None.
PRIEMNAYA_ATTACHMENT_SCANNER = env.str("PRIEMNAYA_ATTACHMENT_SCANNER", default="")
# S3-compatible storage of attachments when a bucket is named (django-storages).
PRIEMNAYA_S3_BUCKET = env.str("PRIEMNAYA_S3_BUCKET", default="")
if PRIEMNAYA_S3_BUCKET:
    STORAGES["attachments"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": PRIEMNAYA_S3_BUCKET,
            "endpoint_url": env.str("PRIEMNAYA_S3_ENDPOINT_URL", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "region_name": env.str("PRIEMNAYA_S3_REGION", default="")
            or env.str("AWS_DEFAULT_REGION", default="")
            or None,
            "location": env.str("PRIEMNAYA_S3_PREFIX", default="attachments"),
            # Private objects, never a public URL: downloads go through the access check.
            "default_acl": None,
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
# Issue 13 — hotline calls: the CTI signs its events (X-CTI-Signature, HMAC-SHA256) with this shared
# secret; a fixed demo secret only with DEBUG, otherwise events are refused until it is set.
_DEV_CTI_SECRET = "insecure-demo-cti-secret"  # noqa: S105
PRIEMNAYA_CTI_SECRET = env.str("PRIEMNAYA_CTI_SECRET", default=_DEV_CTI_SECRET if DEBUG else "")

# E-mail intake (issue 13, docs/mail-intake.md): the inbound SMTP endpoint `priemnaya mail serve`
# listens on host:port, accepts mail only for the service's own addresses and refuses (552) a
# message over the size limit.
PRIEMNAYA_MAIL_INBOUND = env.str("PRIEMNAYA_MAIL_INBOUND", default="127.0.0.1:2525")
PRIEMNAYA_MAIL_ADDRESSES = env.list("PRIEMNAYA_MAIL_ADDRESSES", default=["priem@priemnaya.local"])
PRIEMNAYA_MAIL_MAX_BYTES = env.int("PRIEMNAYA_MAIL_MAX_BYTES", default=15 * 1024 * 1024)
# Auto-answers to one sender per hour; past it new letters are parked (a robot ping-pong).
PRIEMNAYA_MAIL_ANSWERS_PER_HOUR = env.int("PRIEMNAYA_MAIL_ANSWERS_PER_HOUR", default=5)
# What a new letter becomes: a support request, never a 59-FZ appeal (547-FZ).
PRIEMNAYA_MAIL_KIND = env.str("PRIEMNAYA_MAIL_KIND", default="support")
PRIEMNAYA_MAIL_THEME = env.str("PRIEMNAYA_MAIL_THEME", default="general")

# Issue 13 — live chat (docs/chat.md): operators keep the hours of this hotline line (empty or
# unknown: PRIEMNAYA_CHAT_HOURS daily); a socket may send PRIEMNAYA_CHAT_BURST messages at once
# and PRIEMNAYA_CHAT_PER_MINUTE a minute; an operator is free below PRIEMNAYA_CHAT_OPERATOR_MAX.
PRIEMNAYA_CHAT_LINE = env.str("PRIEMNAYA_CHAT_LINE", default="+78005553535")
PRIEMNAYA_CHAT_HOURS = env.str("PRIEMNAYA_CHAT_HOURS", default="08:00-22:00")
PRIEMNAYA_CHAT_BURST = env.int("PRIEMNAYA_CHAT_BURST", default=10)
PRIEMNAYA_CHAT_PER_MINUTE = env.int("PRIEMNAYA_CHAT_PER_MINUTE", default=30)
PRIEMNAYA_CHAT_OPERATOR_MAX = env.int("PRIEMNAYA_CHAT_OPERATOR_MAX", default=5)

# Issue 14 — retention (docs/retention.md): a closed appeal goes to the archive (read-only) this
# many years after closing, and its personal data are anonymised this many years after closing
# (per-kind rows in the admin override both); the daily run works in batches of this size.
PRIEMNAYA_RETENTION_ARCHIVE_YEARS = env.int("PRIEMNAYA_RETENTION_ARCHIVE_YEARS", default=5)
PRIEMNAYA_RETENTION_DESTROY_YEARS = env.int("PRIEMNAYA_RETENTION_DESTROY_YEARS", default=10)
PRIEMNAYA_RETENTION_BATCH = env.int("PRIEMNAYA_RETENTION_BATCH", default=500)
PRIEMNAYA_RETENTION_EVERY = env.int("PRIEMNAYA_RETENTION_EVERY", default=86400)
PRIEMNAYA_PERIODIC_TASKS.append(
    ("priemnaya.retention.tasks.retention_daily", PRIEMNAYA_RETENTION_EVERY)
)
# Issue 14 — collective issues: co-signers' e-mail and SMS notices of the answer
# (docs/collective.md).
PRIEMNAYA_PERIODIC_TASKS.append(
    (
        "priemnaya.collective.tasks.collective_deliveries_send",
        env.int("PRIEMNAYA_COLLECTIVE_SEND_EVERY", default=60),
    )
)
# Issue 14 — open data (docs/open-data.md): the public /open-data/ pages and API are off unless
# turned on (the demo turns them on); counts below PRIEMNAYA_OPEN_DATA_MIN_CELL are withheld.
PRIEMNAYA_OPEN_DATA = env.bool("PRIEMNAYA_OPEN_DATA", default=False)
PRIEMNAYA_OPEN_DATA_MIN_CELL = env.int("PRIEMNAYA_OPEN_DATA_MIN_CELL", default=5)

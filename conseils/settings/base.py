"""Settings shared by every shape of the site.

Configuration comes from environment variables only. Without any variable set,
the site runs in its embedded shape: SQLite, local-memory cache, Celery tasks
run inline, e-mail printed to the console, files in a local folder. See the
README's table of variables.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import environ
from celery.schedules import crontab
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent

env = environ.Env()

# The development key: production.py refuses to start with it.
DEVELOPMENT_SECRET_KEY = "django-insecure-development-key-never-use-in-production"  # noqa: S105  # nosec B105

# GENERAL
# https://docs.djangoproject.com/en/6.1/ref/settings/#core-settings
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default=DEVELOPMENT_SECRET_KEY)
DEBUG = env.bool("DJANGO_DEBUG", default=False)
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")
SITE_NAME = "Conseils citoyens"
# Whether each migrate sets the django.contrib.sites row from SITE_URL and
# SITE_NAME (on in dev.py; elsewhere the row keeps what the first migrate or
# the admin set).
SITE_FOLLOWS_SITE_URL = False

# INTERNATIONALISATION
# https://docs.djangoproject.com/en/6.1/topics/i18n/
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French"))]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

# APPS
INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sites",
    "django.contrib.humanize",
    # SearchVectorField (the stored search vectors); inert on SQLite.
    "django.contrib.postgres",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "guardian",
    "markdownx",
    "outbox",
    "accounts",
    "notifications",
    "councils",
    "forums",
    "documents",
    "news",
    "events",
    "support",
    "conseils",
    "search",
]
SITE_ID = 1

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Public pages kept for visitors without a session (common/page_cache.py).
    "common.page_cache.AnonymousPageCacheMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Answers to a signed-in person leave with Cache-Control: no-store.
    "common.caching.PrivateResponsesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "accounts.middleware.StaffTwoFactorMiddleware",
]

# The posts' covering index (forums.Post) includes two columns PostgreSQL
# reads from the index alone; SQLite, which cannot, builds it without them,
# which is all the embedded default needs.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

ROOT_URLCONF = "conseils.urls"
WSGI_APPLICATION = "conseils.wsgi.application"
ASGI_APPLICATION = "conseils.asgi.application"

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
                "conseils.context_processors.site",
                "councils.context_processors.header",
                "support.context_processors.header",
                "notifications.context_processors.header",
            ],
        },
    }
]

# DATABASES
# https://docs.djangoproject.com/en/6.1/ref/settings/#databases
DATABASES = {
    "default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
}
# Not one transaction per request: each service writes all its rows in one
# ``transaction.atomic()`` (a dead connection or a killed worker leaves
# nothing half written), and requests that only read hold no transaction. On
# SQLite, with IMMEDIATE transactions, a transaction per request would make
# every page, even a read, wait for the one writer.
DATABASES["default"]["ATOMIC_REQUESTS"] = False
# A connection is kept a minute; CONN_HEALTH_CHECKS tries it before a request
# uses it again, so one broken by a database restart is replaced, not used.
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded shape: one file, several readers while the server writes.
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        # How long a write waits for another process's (sqlite3's default is
        # 5 s): under `make run` the worker of the periodic tasks writes the
        # same file as the server, and a page waits for its transaction to
        # end rather than fail with "database is locked".
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# CACHES AND SESSIONS
# https://docs.djangoproject.com/en/6.1/topics/cache/
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            # Answers from the process's memory while Redis is down, logging
            # the outage once (common/cache_backends.py): a page never fails
            # because of the cache, and rate limits keep counting.
            "BACKEND": "common.cache_backends.DegradingRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "conseils",
            # Passed to redis-py's connection pool: a Redis that does not
            # answer costs a page at most this long, once; then the backend
            # skips it for a few seconds.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions are read from the database only, never through the cache
# (``cached_db``): a session ended or changed while Redis was down (a logout,
# a password change that ends the other sessions) would come back from the
# cache, stale, once Redis returns, and a cached_db session cannot be kept
# right through an outage. One read by primary key per request is cheap.
SESSION_ENGINE = "django.contrib.sessions.backends.db"
# A session lasts two weeks when the user ticks "remember me" at login, and
# ends with the browser otherwise (allauth's ACCOUNT_SESSION_REMEMBER = None).
SESSION_COOKIE_AGE = int(timedelta(days=14).total_seconds())
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# AUTHENTICATION
# https://docs.djangoproject.com/en/6.1/topics/auth/customizing/
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    # Object permissions on councils (and, later, shared folders). Site code
    # asks councils.permissions, which ignores superuser status; the backend
    # is here for guardian's own checks and the admin.
    "guardian.backends.ObjectPermissionBackend",
]
# https://django-guardian.readthedocs.io/en/stable/configuration.html
# No stand-in "anonymous" account: anonymous visitors hold no object permission.
ANONYMOUS_USER_NAME = None
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "accounts:profile"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# ALLAUTH
# https://docs.allauth.org/en/latest/account/configuration.html
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_SIGNUP_FORM_CLASS = "accounts.forms.SignupProfileForm"
# The forms that take an address clean control characters like the site's own
# (common.forms); the sign-up form gets it from ACCOUNT_SIGNUP_FORM_CLASS.
ACCOUNT_FORMS = {
    "login": "accounts.allauth_forms.LoginForm",
    "add_email": "accounts.allauth_forms.AddEmailForm",
    "change_email": "accounts.allauth_forms.ChangeEmailForm",
    "reset_password": "accounts.allauth_forms.ResetPasswordForm",  # nosec B105 (a form path)
    "request_login_code": "accounts.allauth_forms.RequestLoginCodeForm",
}
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
# A newcomer lands on "first steps" (find and join a council), not on an empty
# profile: after signing up with an address already proved (an invitation
# link, when the sign-up carried no "next"), and after confirming the address
# in the browser that signed up. A confirmation link opened in another
# browser leads to logging in, then there (accounts.adapter). The page sends
# a member of a council on to LOGIN_REDIRECT_URL (conseils/first_steps.py).
ACCOUNT_SIGNUP_REDIRECT_URL = "first_steps"
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_EMAIL_NOTIFICATIONS = True
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Conseils citoyens] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
# allauth's defaults, written out so that nobody turns them off by accident.
# How many proxies of ours append to X-Forwarded-For before Django: none for
# `make run`; production (nginx) defaults to 1, and 2 behind a TLS terminator
# (docs/production.md, "Client addresses"). Rate limits key on that address.
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=0)
ACCOUNT_RATE_LIMITS = {
    # Rates, not passwords (bandit reads "password" in the keys).
    "change_password": "5/m/user",  # nosec B105
    "manage_email": "10/m/user",
    "reset_password": "20/m/ip,5/m/key",  # nosec B105
    "reauthenticate": "10/m/user",
    "reset_password_from_key": "20/m/ip",  # nosec B105
    "signup": "20/m/ip",
    "login": "30/m/ip",
    # "key" is the client's address and the account together
    # (accounts.adapter): wrong passwords typed elsewhere never lock the owner
    # out; "ip" bounds one address over every account.
    "login_failed": "10/m/ip,5/5m/key",
    "confirm_email": "1/3m/key",
}
MFA_ADAPTER = "allauth.mfa.adapter.DefaultMFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = SITE_NAME
# Staff roles (superuser, national animation, referents) must set up
# two-factor authentication before using the site. On in production.
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=False)

# STATIC AND MEDIA FILES
# https://docs.djangoproject.com/en/6.1/howto/static-files/
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# Whether Django itself serves MEDIA_URL (dev.py), private/ excepted.
SERVE_MEDIA = False
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
if AWS_STORAGE_BUCKET_NAME:
    # Any S3-compatible store; private by default, read through signed URLs.
    # https://django-storages.readthedocs.io/en/latest/backends/amazon-S3.html
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": AWS_STORAGE_BUCKET_NAME,
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
            "access_key": env.str("AWS_ACCESS_KEY_ID", default="") or None,
            "secret_key": env.str("AWS_SECRET_ACCESS_KEY", default="") or None,
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
            "file_overwrite": False,
        },
    }
# Uploads above this size are written to a temporary file, not kept in memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
IMAGE_MAX_UPLOAD_BYTES = 5 * 1024 * 1024
AVATAR_SIZE_PX = 256

# FORUMS
# New accounts (younger than FORUM_NEW_ACCOUNT_DAYS) wait between posts, and
# their first FORUM_APPROVE_FIRST_POSTS posts in national forums wait for a
# moderator (0: no approval).
FORUM_NEW_ACCOUNT_DAYS = env.int("FORUM_NEW_ACCOUNT_DAYS", default=1)
FORUM_NEW_ACCOUNT_TOPIC_INTERVAL = env.int("FORUM_NEW_ACCOUNT_TOPIC_INTERVAL", default=120)
FORUM_NEW_ACCOUNT_REPLY_INTERVAL = env.int("FORUM_NEW_ACCOUNT_REPLY_INTERVAL", default=30)
FORUM_APPROVE_FIRST_POSTS = env.int("FORUM_APPROVE_FIRST_POSTS", default=1)

# DOCUMENTS
DOCUMENT_MAX_UPLOAD_BYTES = env.int("DOCUMENT_MAX_UPLOAD_BYTES", default=20 * 1024 * 1024)
COUNCIL_STORAGE_QUOTA_BYTES = env.int("COUNCIL_STORAGE_QUOTA_BYTES", default=2 * 1024 * 1024 * 1024)
DOCUMENT_ALLOW_ARCHIVES = env.bool("DOCUMENT_ALLOW_ARCHIVES", default=False)
DOCUMENT_TRASH_DAYS = 30
# Behind the nginx of deploy/nginx.conf, private files are sent by nginx
# (X-Accel-Redirect) once Django has checked the reader.
PROTECTED_MEDIA_X_ACCEL = env.bool("PROTECTED_MEDIA_X_ACCEL", default=False)

# BACKUPS
# Where `manage.py backup` writes its archives (docs/production.md, "Backups").
BACKUP_DIR = Path(env.str("BACKUP_DIR", default=str(BASE_DIR / "backups")))

# MARKDOWN EDITOR
# https://neutronx.github.io/django-markdownx/customization/
# django-markdownx gives the editor and its live preview; the preview and the
# image upload go to the forums' own views (login, same-origin check, a
# verified account, a pace and a length, the site's renderer and image
# checks), not to markdownx's; its markdownify setting names the same renderer.
MARKDOWNX_URLS_PATH = "/forums/editeur/apercu/"
MARKDOWNX_UPLOAD_URLS_PATH = "/forums/editeur/image/"
MARKDOWNX_MARKDOWNIFY_FUNCTION = "common.markdown.render_markdown"
MARKDOWNX_SERVER_CALL_LATENCY = 800
MARKDOWNX_EDITOR_RESIZABLE = False
COUNCIL_LOGO_SIZE_PX = 400

# E-MAIL
# https://docs.djangoproject.com/en/6.1/topics/email/#mailers
# The default mailer writes every message (allauth's included) to the outbox,
# in the transaction of what causes it; a task queued after commit, or the
# outbox sweep, hands it to the "delivery" mailer: SMTP when
# EMAIL_URL is set (smtp://user:password@host:587, submission+TLS with
# smtp+tls://), the console otherwise.
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    _email = env.email_url("EMAIL_URL")
    EMAIL_DELIVERY_MAILER = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": _email["EMAIL_HOST"],
            "port": _email["EMAIL_PORT"],
            "username": _email["EMAIL_HOST_USER"] or None,
            "password": _email["EMAIL_HOST_PASSWORD"] or None,
            "use_tls": bool(_email.get("EMAIL_USE_TLS", False)),
            "use_ssl": bool(_email.get("EMAIL_USE_SSL", False)),
            "timeout": 20,
        },
    }
else:
    EMAIL_DELIVERY_MAILER = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
MAILERS = {
    "default": {"BACKEND": "outbox.backends.OutboxEmailBackend"},
    "delivery": EMAIL_DELIVERY_MAILER,
}
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Conseils citoyens <ne-pas-repondre@conseils-citoyens.test>"
)
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# CELERY
# https://docs.celeryq.dev/en/stable/userguide/configuration.html
CELERY_BROKER_URL = REDIS_URL or "memory://localhost/"
# Without Redis, tasks run inline in the web process (the embedded shape).
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
# Nothing reads a task's result: without a result backend, a task finishing
# while Redis is down does not fail storing it.
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SOFT_TIME_LIMIT = 60
CELERY_TASK_TIME_LIMIT = 120
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A page queuing a task (common.tasks) waits at most this long for a broker
# that does not answer, then goes on; a sweep does the work later.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    # kombu retries connecting before a publish until the connection timeout,
    # sleeping 2 seconds first: one immediate retry instead, so that a page
    # finds a refused broker in milliseconds. (The worker reconnects by its
    # own loop, broker_connection_retry, and is not held to this.)
    "max_retries": 1,
    "interval_start": 0,
    "socket_connect_timeout": 1,
    # Above the worker's BRPOP wait (kombu's brpop_timeout, 1 second), so an
    # idle worker's poll is never cut short; a publish on a dead connection
    # gives up after it.
    "socket_timeout": 5,
    # A task taken by a worker that dies (acks_late) goes back to the queue
    # after this long, instead of the default hour. It must stay above the
    # longest task's time_limit (send_digest_batch, 960 s), or a task still
    # running would be handed to a second worker. What must happen within a
    # minute (e-mails, immediate notifications, thumbnails) does not wait for
    # it: it is written in the database first and swept every minute.
    "visibility_timeout": 1200,
}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULE = {
    # Sends what the task queued with each e-mail did not (broker or worker
    # away, SMTP server down). Expires so that sweeps never pile up.
    "outbox-sweep": {
        "task": "outbox.tasks.outbox_sweep",
        "schedule": timedelta(seconds=30),
        "options": {"expires": 25},
    },
    "outbox-purge": {
        "task": "outbox.tasks.outbox_purge",
        "schedule": timedelta(hours=24),
    },
    "clear-expired-sessions": {
        "task": "conseils.tasks.clear_expired_sessions",
        "schedule": timedelta(hours=24),
    },
    "forum-images-cleanup": {
        "task": "forums.tasks.forum_images_cleanup",
        "schedule": timedelta(hours=6),
    },
    # Whether an article shows is decided by its time, not by this task: it
    # only e-mails the subscribers of articles whose time has come.
    "news-announce-due-articles": {
        "task": "news.tasks.announce_due_articles",
        "schedule": timedelta(minutes=5),
    },
    # Whether a help request is late is read from its ``due_at``; this task
    # only warns the team, 4 hours before the deadline and once it passed.
    "support-warn-about-due-requests": {
        "task": "support.tasks.warn_about_due_requests",
        "schedule": timedelta(minutes=15),
    },
    # The daily summary of the notifications people chose to get that way.
    "notifications-daily-digests": {
        "task": "notifications.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # What fell due while the broker was down (or was lost with a worker):
    # immediate notifications not yet e-mailed, images without a thumbnail.
    "notifications-deliver-late": {
        "task": "notifications.tasks.deliver_late_immediate",
        "schedule": timedelta(seconds=30),
        "options": {"expires": 25},
    },
    "documents-missing-thumbnails": {
        "task": "documents.tasks.missing_thumbnails_make",
        "schedule": timedelta(seconds=30),
        "options": {"expires": 25},
    },
    "documents-trash-purge": {
        "task": "documents.tasks.trash_purge",
        "schedule": timedelta(hours=24),
    },
    # Files left by a process killed between storing a file and committing
    # its row; at night, as it lists every stored file.
    "storage-orphans-purge": {
        "task": "conseils.storage_orphans.storage_orphans_sweep",
        "schedule": crontab(hour=3, minute=30),
    },
}
# Task modules other than the apps' ``tasks``.
CELERY_IMPORTS = ["conseils.storage_orphans"]

# SECURITY
# https://docs.djangoproject.com/en/6.1/ref/csp/
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
if AWS_STORAGE_BUCKET_NAME:
    _media_origin = env.str("AWS_S3_PUBLIC_ORIGIN", default="")
    if _media_origin:
        SECURE_CSP["img-src"].append(_media_origin)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"

# ADMIN
# The admin login goes through allauth's (rate limits, two-factor).
ADMIN_URL = env.str("DJANGO_ADMIN_URL", default="admin/")

# LOGGING
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(levelname)s %(asctime)s %(name)s %(message)s"}},
    # A database that does not answer fails every request the same way: its
    # first traceback is logged, then one line a minute (conseils/outage.py).
    "filters": {"database_outage": {"()": "conseils.outage.DatabaseOutageFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.security": {"handlers": ["console"], "level": "WARNING"},
        "django.request": {"filters": ["database_outage"]},
    },
}

# FORMS
# Every form of the site renders its fields with templates/forms/field.html.
FORM_RENDERER = "conseils.forms.SiteFormRenderer"

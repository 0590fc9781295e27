"""Production: PostgreSQL, Redis, SMTP, HTTPS only.

Refuses to start with DEBUG on, with the development secret key, or without
the services a multi-process deployment needs (a per-process cache would
silently break rate limits and sessions).
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *

if DEBUG:
    raise ImproperlyConfigured("DJANGO_DEBUG must be off in production.")
if SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured(
        "Set DJANGO_SECRET_KEY to a random value of 50 characters or more in production."
    )
if not env.str("DJANGO_ALLOWED_HOSTS", default=""):
    raise ImproperlyConfigured("Set DJANGO_ALLOWED_HOSTS in production.")
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("Set DATABASE_URL to a PostgreSQL database in production.")
if not REDIS_URL:
    raise ImproperlyConfigured("Set REDIS_URL in production (cache, sessions, Celery).")

SITE_URL = env.str("SITE_URL", default=f"https://{ALLOWED_HOSTS[0]}")
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
MFA_REQUIRED_FOR_STAFF = env.bool("MFA_REQUIRED_FOR_STAFF", default=True)
# Production runs behind nginx, which appends the address it was reached from
# to X-Forwarded-For: the client is the last entry. Set 2 behind a TLS
# terminator that appends too (docs/production.md, "Client addresses").
ALLAUTH_TRUSTED_PROXY_COUNT = env.int("ALLAUTH_TRUSTED_PROXY_COUNT", default=1)

# HTTPS
# https://docs.djangoproject.com/en/6.1/ref/middleware/#http-strict-transport-security
# nginx terminates TLS and says so with X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_REDIRECT_EXEMPT = [r"^healthz(/live)?$"]
SECURE_HSTS_SECONDS = 31_536_000  # one year
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True

# COOKIES
# The __Host- prefix binds a cookie to this exact host, over HTTPS, path "/".
SESSION_COOKIE_NAME = "__Host-sessionid"
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_NAME = "__Host-csrftoken"
CSRF_COOKIE_SECURE = True
CSRF_TRUSTED_ORIGINS = env.list(
    "DJANGO_CSRF_TRUSTED_ORIGINS", default=[f"https://{host}" for host in ALLOWED_HOSTS]
)
MFA_TRUST_COOKIE_SECURE = True

# STATIC FILES
# Hashed, compressed names served by WhiteNoise with far-future cache headers.
STORAGES["staticfiles"] = {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"}

# DATABASE
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)

# Errors by e-mail to the operators in DJANGO_ADMINS (comma-separated addresses).
ADMINS = env.list("DJANGO_ADMINS", default=[])

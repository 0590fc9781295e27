"""Settings for the test suite: the base settings, faster and quieter.

DATABASE_URL and REDIS_URL are honoured, so CI runs on PostgreSQL and Redis.
"""

from urllib.parse import urlsplit

from .base import *

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Tasks run inline: the suite checks what they do, not the broker.
CELERY_TASK_ALWAYS_EAGER = True
MEDIA_ROOT = BASE_DIR / "tmp" / "test-media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING["root"]["level"] = "WARNING"

if REDIS_URL:
    # One Redis database per pytest-xdist worker, counted from the one after
    # REDIS_URL's, so that clearing the cache between tests never touches
    # another worker's keys, nor those of a run given another REDIS_URL.
    _redis = urlsplit(REDIS_URL)
    _worker = env.str("PYTEST_XDIST_WORKER", default="gw0").removeprefix("gw")
    _database = int(_redis.path.strip("/") or 0) + 1 + int(_worker or 0)
    CACHES["default"]["LOCATION"] = _redis._replace(path=f"/{_database}").geturl()

# Static files straight from the apps' folders, for the live server of the
# browser tests; no collectstatic needed.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

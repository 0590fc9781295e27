"""The embedded shape served by ``make run``: the site's own error pages,
console e-mail, uploaded files and static files served by the development
server.

``DJANGO_DEBUG=True`` brings back Django's debug pages (tracebacks, the list
of URLs on a 404); off by default so that the demo shows what users see.
"""

from urllib.parse import urlsplit

from .base import *

DEBUG = env.bool("DJANGO_DEBUG", default=False)

# ``make run`` passes SITE_URL=http://HOST:PORT; the host it names is served
# too (a HOST other than the loopback needs SITE_URL with a reachable name).
_site_host = urlsplit(SITE_URL).hostname
if _site_host and not env.str("DJANGO_ALLOWED_HOSTS", default=""):
    _site_host = f"[{_site_host}]" if ":" in _site_host else _site_host
    if _site_host not in ALLOWED_HOSTS:
        ALLOWED_HOSTS = [*ALLOWED_HOSTS, _site_host]

# Static files straight from the apps' folders whatever DEBUG says: no
# collectstatic, and a changed file is served at once.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True

# Public uploads (avatars, logos, covers) served by the development server
# (conseils/urls.py); production leaves them to nginx or the S3 store.
SERVE_MEDIA = True

# migrate brings the django.contrib.sites row in line with SITE_URL (allauth
# names the site and its domain from it in e-mails, feeds their links), so
# that `make run PORT=8100` links to port 8100.
SITE_FOLLOWS_SITE_URL = True

# Where beat, in the worker `make run` starts beside the server
# (conseils/embedded.py), keeps when each periodic task last ran: a daily task
# whose hour passed while `make run` was stopped runs at the next start.
CELERY_BEAT_SCHEDULE_FILENAME = env.str(
    "CELERY_BEAT_SCHEDULE_FILENAME", default=str(BASE_DIR / "tmp" / "celerybeat-schedule")
)

# What a page queues runs inline here: one "Task … succeeded" line for each
# (a thumbnail, an announcement) would bury the requests and the e-mails in
# the terminal. Failures are still logged.
LOGGING["loggers"]["celery.app.trace"] = {"level": "WARNING"}

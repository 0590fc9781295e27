# The production image: gunicorn serving Django, the same image running the
# Celery worker, beat and migrations (see docker-compose.yml and
# docs/production.md). Static files are collected at build time and served by
# WhiteNoise; uploaded files go to /app/media (a volume) or an S3 store.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=conseils.settings.production \
    MEDIA_ROOT=/app/media

# pg_dump and pg_restore for `manage.py backup` and `restore`, of the major
# version of docker-compose.yml's postgres image: an older pg_dump refuses a
# newer server. Debian bookworm ships 15 only, so they come from the
# PostgreSQL project's apt repository (PGDG), signed by its key.
ARG POSTGRES_MAJOR=16
RUN apt-get update \
    && apt-get install -y --no-install-recommends ca-certificates curl \
    && install -d /usr/share/postgresql-common/pgdg \
    && curl -fsSL -o /usr/share/postgresql-common/pgdg/apt.postgresql.org.asc \
        https://www.postgresql.org/media/keys/ACCC4CF8.asc \
    && echo "deb [signed-by=/usr/share/postgresql-common/pgdg/apt.postgresql.org.asc] https://apt.postgresql.org/pub/repos/apt bookworm-pgdg main" \
        > /etc/apt/sources.list.d/pgdg.list \
    && apt-get update \
    && apt-get install -y --no-install-recommends "postgresql-client-${POSTGRES_MAJOR}" \
    && apt-get purge -y curl \
    && apt-get autoremove -y \
    && rm -rf /var/lib/apt/lists/* \
    && pg_dump --version | grep -q " ${POSTGRES_MAJOR}\."

RUN groupadd --system --gid 10001 conseils \
    && useradd --system --uid 10001 --gid conseils --home-dir /app --no-create-home \
        --shell /usr/sbin/nologin conseils

# Dependencies first, so that a code change does not reinstall them.
# requirements/base.txt pins every package, transitive ones included:
# --no-deps keeps anything unpinned out and pip check proves nothing is missing.
COPY requirements/base.txt /tmp/requirements.txt
RUN python -m venv "$VIRTUAL_ENV" \
    && pip install --no-cache-dir --no-deps -r /tmp/requirements.txt \
    && pip check \
    && rm /tmp/requirements.txt

WORKDIR /app
COPY . .

# The code stays owned by root and read-only for the app user, who can write
# only to /app/media and /backups. A named volume mounted there on first use
# copies this ownership (and /backups its mode: the archives hold every
# private file and password hash). The production settings refuse to load without these
# variables: the values below exist for this command only and are not kept in
# the image.
RUN python -m compileall -q /app \
    && DJANGO_SECRET_KEY=build-time-only-collectstatic-key-never-used-at-runtime-0000 \
       DJANGO_ALLOWED_HOSTS=build.invalid \
       DATABASE_URL=postgres://build@build.invalid:5432/build \
       REDIS_URL=redis://build.invalid:6379/0 \
       python manage.py collectstatic --no-input \
    && mkdir -p /app/media /backups \
    && chown conseils:conseils /app/media /backups \
    && chmod 0700 /backups

USER conseils:conseils
EXPOSE 8000

# Django answers only to DJANGO_ALLOWED_HOSTS, so the probe sends the first
# of them as Host ("*" or a ".domain" wildcard are reduced to a usable name).
# /healthz/live is exempt from the HTTPS redirect and touches neither the
# database nor Redis: the container is healthy while gunicorn answers, and is
# not marked otherwise (nor restarted) because PostgreSQL or Redis is down.
# Load balancers and monitoring read /healthz instead (docs/production.md).
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request as u; h = os.environ.get('DJANGO_ALLOWED_HOSTS', '').split(',')[0].strip().lstrip('*.') or 'localhost'; u.urlopen(u.Request('http://127.0.0.1:8000/healthz/live', headers={'Host': h}), timeout=4)"]

# Only nginx (or the load balancer) reaches port 8000, hence forwarded headers
# are trusted from any address by default; set FORWARDED_ALLOW_IPS to narrow it.
# GUNICORN_CMD_ARGS adds any other gunicorn option without a rebuild.
CMD ["sh", "-c", "exec gunicorn conseils.wsgi:application --bind 0.0.0.0:8000 --workers \"${GUNICORN_WORKERS:-3}\" --forwarded-allow-ips \"${FORWARDED_ALLOW_IPS:-*}\" --access-logfile - --worker-tmp-dir /dev/shm --no-control-socket"]

# ECAR image, one for every service of docker-compose.yml (web, worker, beat, nginx, pgbouncer, migrate):
# the same deploy/ files as `make serve`, run by a non-root user.

# Stage 1: the pinned requirements in a virtualenv (build tools stay here).
FROM python:3.12-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
RUN python -m venv /opt/venv
COPY requirements.txt /tmp/requirements.txt
RUN /opt/venv/bin/pip install -r /tmp/requirements.txt

# Stage 2: Debian's packages from the one list (WeasyPrint's libraries, fonts, gettext, nginx, PgBouncer),
# the virtualenv, the code, its compiled translations and collectstatic's hashed files.
FROM python:3.12-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=portal.settings \
    ECAR_RUN_DIR=/app/var/serve DJANGO_STATIC_ROOT=/app/var/static DJANGO_MEDIA_ROOT=/app/var/media
COPY deploy/system-packages.sh /tmp/system-packages.sh
RUN bash /tmp/system-packages.sh --serve && rm -rf /var/lib/apt/lists/* /tmp/system-packages.sh \
    && groupadd --system --gid 10001 ecar \
    && useradd --system --uid 10001 --gid ecar --home-dir /app --shell /usr/sbin/nologin ecar
COPY --from=build /opt/venv /opt/venv
WORKDIR /app
COPY . .
RUN python manage.py compilemessages --ignore=.venv -v 0 \
    && DJANGO_STATIC_MANIFEST=true python manage.py collectstatic --noinput -v 0 \
    && mkdir -p var/serve var/media \
    && chown -R ecar:ecar var

USER ecar
EXPOSE 8000 8080 6432
CMD ["python", "deploy/serve.py", "run", "web"]

# Build stage: locked dependencies into a virtual environment, then translations and static files
# with settings that need no secret (appeals.settings.build), so the image carries none.
FROM python:3.11-slim-bookworm AS build

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=appeals.settings.build \
    STATIC_ROOT=/app/staticfiles

WORKDIR /app
# Dependencies first: their layer is reused until the lock file changes.
COPY requirements/lock.txt requirements/lock.txt
COPY docker/build.sh docker/build.sh
RUN sh docker/build.sh deps
COPY . .
RUN sh docker/build.sh assets

# Runtime stage: the same base, no build tools or caches, an unprivileged user.
FROM python:3.11-slim-bookworm AS runtime

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    VIRTUAL_ENV=/opt/venv \
    PATH=/opt/venv/bin:$PATH \
    DJANGO_SETTINGS_MODULE=appeals.settings.production \
    STATIC_ROOT=/app/staticfiles \
    WEB_CONCURRENCY=3

# WeasyPrint (analysis reports as PDF) needs Pango at run time, and a font with Chinese glyphs;
# pinned to bookworm's versions, as the base image is.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0=1.50.12+ds-1 libpangoft2-1.0-0=1.50.12+ds-1 fonts-wqy-microhei=0.2.0-beta-3.1 \
    && rm -rf /var/lib/apt/lists/*

# A fixed numeric id, so USER below and file ownership on volumes mean the same on every host.
RUN useradd --system --uid 10001 --user-group --home-dir /app --no-create-home --shell /usr/sbin/nologin appeals

COPY --from=build /opt/venv /opt/venv
# Code and static files stay root-owned, read-only to the application. Only /app/var is writable:
# uploads (MEDIA_ROOT) and citizens' attachments (PRIVATE_STORAGE_ROOT) default to folders in it,
# and compose mounts a volume there. Static files live outside it, so a rebuilt image serves its
# own files rather than those a volume kept from an older image.
COPY --from=build /app /app
RUN mkdir -p /app/var/media /app/var/private && chown -R 10001:10001 /app/var

WORKDIR /app
USER 10001:10001
EXPOSE 8000
# Through sh, so the script need not keep its executable bit on every checkout.
ENTRYPOINT ["sh", "/app/docker/entrypoint.sh"]
CMD ["web"]

FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    DJANGO_SETTINGS_MODULE=appeals.settings.production

RUN apt-get update \
    && apt-get install -y --no-install-recommends gettext libpq5 \
    && rm -rf /var/lib/apt/lists/*

WORKDIR /app
COPY pyproject.toml README.md ./
RUN pip install --no-cache-dir -e .
COPY . .
RUN SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only python manage.py compile_translations \
    && SECRET_KEY=build-only-not-secret-build-only-not-secret-build-only python manage.py collectstatic --noinput

RUN useradd --system --home /app appeals && mkdir -p /app/var && chown -R appeals /app/var
USER appeals
EXPOSE 8000
CMD ["gunicorn", "appeals.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]

"""Container health checks; the slim image has no curl.

healthcheck.py http /healthz   the web server answers 200 (/readyz: the database answers too)
healthcheck.py worker          this container's Celery worker answers a ping through the broker
healthcheck.py beat            the broker and the database that beat schedules from answer
"""

import http.client
import os
import socket
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appeals.settings.production")


def http_check(path):
    port = int(os.environ.get("GUNICORN_BIND", "0.0.0.0:8000").rsplit(":", 1)[1])
    # Ask as the TLS proxy in front does: a host the site serves (else 400) and HTTPS already done
    # (else SECURE_SSL_REDIRECT answers 301).
    hosts = [h.strip().lstrip(".") for h in os.environ.get("ALLOWED_HOSTS", "").split(",")]
    host = next((h for h in hosts if h and h != "*"), "localhost")
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        connection.request("GET", path, headers={"Host": host, "X-Forwarded-Proto": "https"})
        response = connection.getresponse()
        body = response.read(2000).decode("utf-8", "replace")
    except OSError as error:
        print(f"{path}: {error}")
        return 1
    finally:
        connection.close()
    print(f"{path}: {response.status} {body}")
    return 0 if response.status == 200 else 1


def worker_check():
    from appeals.celery import app

    name = f"celery@{socket.gethostname()}"
    replies = app.control.ping(destination=[name], timeout=5)
    print(replies or f"{name}: no answer")
    return 0 if replies else 1


def beat_check():
    import django

    django.setup()
    from django.db import connection

    from appeals.celery import app

    with app.connection_for_write() as broker:
        broker.ensure_connection(max_retries=1, timeout=5)
    connection.ensure_connection()
    print("broker and database answer")
    return 0


def main(argv):
    if len(argv) == 2 and argv[0] == "http":
        return http_check(argv[1])
    if argv == ["worker"]:
        return worker_check()
    if argv == ["beat"]:
        return beat_check()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    try:
        sys.exit(main(sys.argv[1:]))
    except Exception as error:  # noqa: BLE001 - any failure is "unhealthy"; say which
        print(f"unhealthy: {type(error).__name__}: {error}")
        sys.exit(1)

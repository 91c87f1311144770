"""Home-page throughput against a bare Django view, in the same server process.

Builds a throwaway SQLite database with the demo content, serves the project over WSGI on
127.0.0.1 in a background thread, and times bounded, interleaved rounds of sequential requests to the
zh-Hant home page and to a trivial view that returns a constant. Prints requests per second for
each and their ratio (goal: at least 0.8, which the page cache makes possible).

    .venv/bin/python bench/portal_throughput.py [--requests 300] [--rounds 3]
"""

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import urllib.request
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


class ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


def bare_view(request):
    from django.http import HttpResponse

    return HttpResponse("ok", content_type="text/plain")


def build_urlconf():
    from django.urls import path

    from appeals import urls as project_urls

    # The project's own URLs plus the bare view, so both go through the same middleware stack.
    module = sys.modules[__name__]
    module.urlpatterns = [path("bench/bare/", bare_view), *project_urls.urlpatterns]
    return __name__


def warm(url):
    for _ in range(20):  # first requests import code, compile templates and fill the page cache
        urllib.request.urlopen(url).read()


def timed(url, count):
    start = time.perf_counter()
    for _ in range(count):
        with urllib.request.urlopen(url) as response:
            response.read()
            assert response.status == 200, response.status
    return count / (time.perf_counter() - start)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=300, help="requests per round and endpoint")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    workdir = tempfile.mkdtemp(prefix="portal-bench-")
    os.environ["DATABASE_URL"] = f"sqlite:///{workdir}/bench.sqlite3"
    os.environ["DJANGO_SETTINGS_MODULE"] = "appeals.settings.test"
    import django
    from django.conf import settings

    django.setup()
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application

    settings.ROOT_URLCONF = build_urlconf()
    with open(os.devnull, "w") as quiet:
        call_command("migrate", verbosity=0, stdout=quiet)
        call_command("load_demo", stdout=quiet)

    server = make_server(
        "127.0.0.1", 0, get_wsgi_application(), server_class=ThreadingWSGIServer, handler_class=QuietHandler
    )
    threading.Thread(target=server.serve_forever, daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    bare_url, home_url = f"{base}/bench/bare/", f"{base}/zh-hant/"
    try:
        warm(bare_url)
        warm(home_url)
        # Interleaved rounds, so a slow moment on a shared machine does not favour either side.
        rounds = [
            (timed(bare_url, args.requests), timed(home_url, args.requests)) for _ in range(args.rounds)
        ]
    finally:
        server.shutdown()
    bare = statistics.median(b for b, _h in rounds)
    home = statistics.median(h for _b, h in rounds)
    ratio = home / bare
    print(f"bare view: {bare:8.1f} req/s")
    print(f"home page: {home:8.1f} req/s")
    print(f"ratio:     {ratio:8.2f} (goal >= 0.80)")
    return 0 if ratio >= 0.8 else 1


if __name__ == "__main__":
    sys.exit(main())

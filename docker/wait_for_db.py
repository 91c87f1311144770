"""Waits until the configured database accepts connections; exits 1 after DB_WAIT_SECONDS (60).

compose's depends_on only covers the first start: after a restart of PostgreSQL, or with a database
elsewhere, the application container may come up first and must not run migrate into a refusal.
"""

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "appeals.settings.production")
    import django

    django.setup()
    from django.db import connections
    from django.db.utils import OperationalError

    connection = connections["default"]
    if connection.vendor == "postgresql":
        # Without it one attempt against an unreachable host can hang for minutes.
        connection.settings_dict.setdefault("OPTIONS", {}).setdefault("connect_timeout", 5)
    deadline = time.monotonic() + float(os.environ.get("DB_WAIT_SECONDS", "60"))
    while True:
        try:
            connection.ensure_connection()
        except OperationalError as error:
            connection.close()
            if time.monotonic() >= deadline:
                print(f"wait_for_db: the database did not answer in time: {error}", file=sys.stderr)
                return 1
            time.sleep(1)
        else:
            connection.close()
            return 0


if __name__ == "__main__":
    sys.exit(main())

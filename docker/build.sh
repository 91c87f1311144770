#!/bin/sh
# The image's build steps. The Dockerfile runs them, and so does the deployment smoke test
# (deploy/smoke.py) in a fresh virtual environment, so what is tested is what the image does.
#
#   build.sh deps     create $VIRTUAL_ENV and install the locked runtime dependencies into it
#   build.sh assets   compile translations and collect static files into $STATIC_ROOT
#
# Neither step needs a secret or a service: DJANGO_SETTINGS_MODULE is appeals.settings.build.
set -eu
cd "$(dirname "$0")/.."

phase=${1:-all}

if [ "$phase" = deps ] || [ "$phase" = all ]; then
  python3 -m venv "$VIRTUAL_ENV"
  # Hash-checked: a changed or substituted file on the index fails the build instead of shipping.
  "$VIRTUAL_ENV/bin/python" -m pip install --require-hashes --no-deps -r requirements/lock.txt
  "$VIRTUAL_ENV/bin/python" -m pip check
fi

if [ "$phase" = assets ] || [ "$phase" = all ]; then
  "$VIRTUAL_ENV/bin/python" manage.py compile_translations
  "$VIRTUAL_ENV/bin/python" manage.py collectstatic --noinput --verbosity 0
  test -f "$STATIC_ROOT/staticfiles.json"
  # The application cannot write to its code at run time, and every process would otherwise
  # compile the same modules again at each start.
  "$VIRTUAL_ENV/bin/python" -m compileall -q .
fi

"""Deployment smoke test: what `docker compose up --build` would do, on a machine without Docker.

    python deploy/smoke.py               build with the project's virtual environment, then serve
    python deploy/smoke.py --fresh-venv  the image's dependency step too, into a new environment

It runs tests/appeals/test_deployment.py with its slow parts switched on. Those use the helpers
below, which read the Dockerfile, docker-compose.yml and .env.example themselves, so what is
checked is what those files say:

* the build stage's RUN steps (docker/build.sh) in a copy of the build context (after
  .dockerignore), with exactly the ENV the Dockerfile sets, and no secret;
* every variable production settings read with env_required() is demanded by compose with
  ${VAR:?...} and listed in .env.example;
* hadolint on the Dockerfile, `docker compose config` where compose exists;
* production settings under gunicorn, started by docker/entrypoint.sh (wait for the database,
  migrate, exec) with compose's environment, answering /healthz and /readyz.

Only the addresses of services and the image's absolute paths differ from a container: the
database is a new one on the local PostgreSQL, Redis databases 6 (cache) and 7 (broker) on the
local Redis, and /app, /opt are re-rooted under a temporary folder.
"""

import ast
import fnmatch
import os
import re
import secrets
import shlex
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DOCKERFILE = ROOT / "Dockerfile"
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERIGNORE = ROOT / ".dockerignore"
PRODUCTION_SETTINGS = ROOT / "appeals" / "settings" / "production.py"

SMOKE_VARIABLE = "APPEALS_DEPLOY_SMOKE"  # "1": build and serve; "fresh": also a new venv from the lock
REDIS_CACHE_URL = "redis://127.0.0.1:6379/6"
REDIS_BROKER_URL = "redis://127.0.0.1:6379/7"
POSTGRES_ADMIN = ("host=127.0.0.1 port=5432 user=postgres dbname=postgres", "postgres")
# Network plumbing of the machine running the smoke test, not part of the image's environment.
PASSED_THROUGH = ("PIP_CERT", "SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "HTTP_PROXY", "HTTPS_PROXY", "NO_PROXY")


# --- Reading the deployment files ---------------------------------------------------------------


def dockerfile_stages(text=None):
    """{stage name: [(INSTRUCTION, arguments)]}, continuation lines joined, comments dropped."""
    text = DOCKERFILE.read_text() if text is None else text
    logical, current = [], ""
    for line in text.splitlines():
        if not current and (not line.strip() or line.lstrip().startswith("#")):
            continue
        if line.rstrip().endswith("\\"):
            current += line.rstrip()[:-1] + " "
            continue
        logical.append(current + line)
        current = ""
    stages, name = {}, None
    for line in logical:
        instruction, _, arguments = line.strip().partition(" ")
        instruction = instruction.upper()
        if instruction == "FROM":
            words = arguments.split()
            name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else str(len(stages))
            stages[name] = []
        if name is not None:
            stages[name].append((instruction, arguments.strip()))
    return stages


def _expand(value, env):
    return re.sub(r"\$\{(\w+)\}|\$(\w+)", lambda m: env.get(m.group(1) or m.group(2), ""), value)


def stage_env(stage, base_env, reroot):
    """The environment a stage's RUN steps see: base_env plus its ENV lines, in order.

    Absolute paths written in the Dockerfile pass through reroot(), so /app and /opt land in a
    temporary folder; values taken from base_env ($PATH) stay as they are.
    """
    env = dict(base_env)
    for instruction, arguments in dockerfile_stages()[stage]:
        if instruction != "ENV":
            continue
        for word in shlex.split(arguments):
            key, _, value = word.partition("=")
            parts = [reroot(part) if part.startswith("/") else part for part in value.split(":")]
            env[key] = _expand(":".join(parts), env)
    return env


def stage_runs(stage):
    return [arguments for instruction, arguments in dockerfile_stages()[stage] if instruction == "RUN"]


def read_dotenv(path=ENV_EXAMPLE):
    values = {}
    for line in path.read_text().splitlines():
        if line.strip() and not line.lstrip().startswith("#") and "=" in line:
            key, _, value = line.partition("=")
            values[key.strip()] = value.strip()
    return values


def dotenv_comment_problems(path=ENV_EXAMPLE):
    """Variables of .env.example without a comment line above them (or above their group)."""
    problems, previous = [], ""
    for line in path.read_text().splitlines():
        if "=" in line and not line.lstrip().startswith("#"):
            if not (previous.startswith("#") or ("=" in previous and not previous.startswith("#"))):
                problems.append(line.partition("=")[0])
        previous = line.strip()
    return problems


COMPOSE_REFERENCE = re.compile(r"(?<!\$)\$\{(\w+)(?:(:?[-?])([^}]*))?\}")


def compose_references(text=None):
    """[(variable, operator, argument)] of every ${...} in docker-compose.yml ($$ is a literal $)."""
    text = COMPOSE.read_text() if text is None else text
    return [m.groups() for m in COMPOSE_REFERENCE.finditer(text)]


def compose_required(text=None):
    """{variable: error message} of every ${VAR:?message}: compose will not start without them."""
    return {name: argument for name, operator, argument in compose_references(text) if operator == ":?"}


def compose_block(name, text=None):
    """The `environment:` mapping of the top-level block `name` (e.g. x-app), values unquoted."""
    text = COMPOSE.read_text() if text is None else text
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if re.match(rf"{re.escape(name)}:", line))
    values, inside, indent = {}, False, None
    for line in lines[start + 1 :]:
        if line and not line[0].isspace():
            break
        if not line.strip() or line.strip().startswith("#"):
            continue
        depth = len(line) - len(line.lstrip())
        if line.strip() == "environment:":
            inside, indent = True, None
            continue
        if inside:
            indent = depth if indent is None else indent
            if depth < indent:
                break
            key, _, value = line.strip().partition(":")
            values[key.strip()] = value.strip().strip('"')
    return values


def interpolate(value, env):
    """Compose's interpolation of one value, against the variables of .env."""

    def replace(match):
        name, operator, argument = match.groups()
        current = env.get(name, "")
        if operator == ":?" and not current:
            raise ValueError(argument)
        if operator == ":-" and not current:
            return argument
        return current

    return COMPOSE_REFERENCE.sub(replace, value).replace("$$", "$")


def production_required_variables(path=PRODUCTION_SETTINGS):
    """Names passed to env_required("...") in production settings, found in the source."""
    tree = ast.parse(path.read_text())
    return sorted(
        {
            node.args[0].value
            for node in ast.walk(tree)
            if isinstance(node, ast.Call)
            and getattr(node.func, "id", getattr(node.func, "attr", None)) == "env_required"
            and node.args
            and isinstance(node.args[0], ast.Constant)
        }
    )


def required_variable_problems():
    required = compose_required()
    listed = read_dotenv()
    problems = []
    for name in production_required_variables():
        if name not in required:
            problems.append(f"{name}: production requires it, but compose does not pass ${{{name}:?...}}")
        elif name not in required[name]:
            problems.append(f"{name}: compose's error message does not name it: {required[name]!r}")
        if name not in listed:
            problems.append(f"{name}: production requires it, but .env.example does not list it")
    for name, _operator, _argument in compose_references():
        if name not in listed:
            problems.append(f"{name}: compose reads it, but .env.example does not list it")
    return sorted(set(problems))


# --- The build context ---------------------------------------------------------------------------


def dockerignore_patterns():
    patterns = []
    for line in DOCKERIGNORE.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            patterns.append((line.startswith("!"), line.lstrip("!").rstrip("/")))
    return patterns


def ignored(relative, patterns):
    """Docker's rule, simplified: the last matching pattern wins; a match on a folder covers its files."""
    candidates = [relative] + [str(parent) for parent in Path(relative).parents if str(parent) != "."]
    verdict = False
    for negated, pattern in patterns:
        for candidate in candidates:
            if fnmatch.fnmatch(candidate, pattern) or (
                pattern.startswith("**/") and fnmatch.fnmatch(Path(candidate).name, pattern[3:])
            ):
                verdict = not negated
                break
    return verdict


def copy_build_context(destination):
    """What `docker build .` would send: the tree minus .dockerignore. Returns the relative paths."""
    patterns = dockerignore_patterns()
    copied = []
    for directory, folders, files in os.walk(ROOT):
        base = Path(directory).relative_to(ROOT)
        folders[:] = [f for f in folders if not ignored((base / f).as_posix(), patterns)]
        for name in files:
            relative = (base / name).as_posix()
            if ignored(relative, patterns):
                continue
            target = destination / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / relative, target)
            copied.append(relative)
    return copied


def base_environment(home):
    """A clean process environment, like the python base image's, with this machine's Python."""
    env = {
        "PATH": os.pathsep.join([str(Path(sys.base_prefix) / "bin"), "/usr/local/bin", "/usr/bin", "/bin"]),
        "HOME": str(home),
        "LANG": "C.UTF-8",
        # The image has no pip configuration; this machine's would add indexes and constraints.
        "PIP_CONFIG_FILE": os.devnull,
    }
    env.update({name: os.environ[name] for name in PASSED_THROUGH if os.environ.get(name)})
    return env


def build(root, fresh_venv, log=print):
    """Runs the build stage in root (root/app is WORKDIR /app). Returns (app folder, build env)."""
    app = root / "app"
    app.mkdir(parents=True, exist_ok=True)
    copy_build_context(app)
    (root / "home").mkdir(exist_ok=True)
    env = stage_env("build", base_environment(root / "home"), lambda path: str(root) + path)
    if not fresh_venv:
        env["VIRTUAL_ENV"] = sys.prefix
        env["PATH"] = os.pathsep.join([str(Path(sys.prefix) / "bin"), base_environment(root)["PATH"]])
    for command in stage_runs("build"):
        if not fresh_venv and command.split()[-1] == "deps":
            log(f"skipped (the project's environment is used): RUN {command}")
            continue
        log(f"RUN {command}")
        subprocess.run(["sh", "-c", command], cwd=app, env=env, check=True)
    return app, env


# --- Linters -------------------------------------------------------------------------------------


def hadolint_command():
    found = shutil.which("hadolint") or shutil.which("hadolint", path=str(Path(sys.executable).parent))
    return [found, str(DOCKERFILE)] if found else None


def compose_config_command():
    """`docker compose config` (or the older docker-compose), run in the project folder; None where
    neither works."""
    for command in (["docker", "compose"], ["docker-compose"]):
        if shutil.which(command[0]) is None:
            continue
        if subprocess.run([*command, "version"], capture_output=True).returncode == 0:
            return [*command, "config", "--quiet"]
    return None


# --- Serving with production settings ------------------------------------------------------------


def generated_secrets():
    from cryptography.fernet import Fernet

    return {
        "SECRET_KEY": secrets.token_urlsafe(50),
        "PERSONAL_DATA_KEYS": Fernet.generate_key().decode(),
        "PERSONAL_DATA_HASH_KEY": secrets.token_urlsafe(32),
        "ACCESS_CODE_KEYS": secrets.token_urlsafe(32),
        "POSTGRES_PASSWORD": secrets.token_hex(24),
        "ELASTIC_PASSWORD": secrets.token_hex(24),
    }


def runtime_environment(root, venv, database_url, port):
    """The web container's environment: image ENV, then .env, then compose's `environment:`.

    .env is .env.example with its empty secrets generated, as the README tells an operator to do.
    Only service addresses and the gunicorn address are replaced; everything else is as compose
    would set it, SECURE_SSL_REDIRECT included.
    """
    reroot = lambda path: str(root) + path  # noqa: E731
    env = stage_env("runtime", base_environment(root / "home"), reroot)
    dotenv = read_dotenv()
    for name, value in generated_secrets().items():
        if not dotenv.get(name):
            dotenv[name] = value
    env.update(dotenv)
    for name, value in compose_block("x-app").items():
        value = interpolate(value, dotenv)
        env[name] = reroot(value) if value.startswith("/") else value
    env.update(
        {
            "VIRTUAL_ENV": str(venv),
            "PATH": os.pathsep.join([str(Path(venv) / "bin"), base_environment(root)["PATH"]]),
            "DATABASE_URL": database_url,
            "REDIS_URL": REDIS_CACHE_URL,
            "CELERY_BROKER_URL": REDIS_BROKER_URL,
            "CELERY_RESULT_BACKEND": REDIS_BROKER_URL,
            "ELASTICSEARCH_URL": "",  # no Elasticsearch here: case search uses the database
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2",
            "DB_WAIT_SECONDS": "30",
        }
    )
    return env


def services_available():
    """None when local PostgreSQL and Redis answer, else why not."""
    try:
        import psycopg
        import redis

        psycopg.connect(POSTGRES_ADMIN[0], connect_timeout=3).close()
        for url in (REDIS_CACHE_URL, REDIS_BROKER_URL):
            redis.Redis.from_url(url, socket_connect_timeout=3).ping()
    except Exception as error:  # noqa: BLE001 - any failure means "cannot run here"
        return f"local PostgreSQL and Redis are needed: {type(error).__name__}: {error}"
    return None


class Database:
    """A new, empty PostgreSQL database, dropped afterwards."""

    def __init__(self):
        self.name = f"appeals_deploy_smoke_{os.getpid()}_{secrets.token_hex(3)}"

    def __enter__(self):
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN[0], autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{self.name}"')
        return f"postgres://{POSTGRES_ADMIN[1]}@127.0.0.1:5432/{self.name}"

    def __exit__(self, *exc):
        import psycopg

        with psycopg.connect(POSTGRES_ADMIN[0], autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


def flush_redis():
    import redis

    for url in (REDIS_CACHE_URL, REDIS_BROKER_URL):
        redis.Redis.from_url(url).flushdb()


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Server:
    """docker/entrypoint.sh web, as the web container's command, in its own process group."""

    def __init__(self, app, env, log_path):
        self.app, self.env, self.log_path = app, env, log_path

    def __enter__(self):
        self.log = open(self.log_path, "w")
        self.process = subprocess.Popen(
            ["sh", "docker/entrypoint.sh", "web"],
            cwd=self.app,
            env=self.env,
            stdout=self.log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        return self

    def healthcheck(self, path):
        """The compose healthcheck's own command: (exit code, output)."""
        done = subprocess.run(
            ["python", "docker/healthcheck.py", "http", path],
            cwd=self.app,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=30,
        )
        return done.returncode, done.stdout + done.stderr

    def wait_until_live(self, timeout=240):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the entrypoint exited with {self.process.returncode}:\n{self.output()}")
            if self.healthcheck("/healthz")[0] == 0:
                return
            time.sleep(2)
        raise TimeoutError(f"/healthz did not answer within {timeout}s:\n{self.output()}")

    def get(self, path):
        import http.client

        port = int(self.env["GUNICORN_BIND"].rsplit(":", 1)[1])
        host = self.env["ALLOWED_HOSTS"].split(",")[0].strip()
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        try:
            connection.request("GET", path, headers={"Host": host, "X-Forwarded-Proto": "https"})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()

    def output(self):
        self.log.flush()
        return Path(self.log_path).read_text()[-6000:]

    def output_once_it_shows(self, *needles, timeout=15):
        """The log once every needle is in it: gunicorn writes a request's access line after the
        response has gone, so a client can read the answer before its line is there."""
        deadline = time.monotonic() + timeout
        while True:
            logged = self.output()
            if all(needle in logged for needle in needles) or time.monotonic() > deadline:
                return logged
            time.sleep(0.2)

    def __exit__(self, *exc):
        import signal

        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.log.close()


# --- Command line ---------------------------------------------------------------------------------


def main(argv=None):
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--fresh-venv", action="store_true", help="install the lock into a new venv too")
    args, pytest_args = parser.parse_known_args(argv)
    env = dict(os.environ, **{SMOKE_VARIABLE: "fresh" if args.fresh_venv else "1"})
    command = [sys.executable, "-m", "pytest", "-n", "0", "-v", "tests/appeals/test_deployment.py"]
    return subprocess.run([*command, *pytest_args], cwd=ROOT, env=env).returncode


if __name__ == "__main__":
    sys.exit(main())

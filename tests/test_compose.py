"""docker-compose.yml and the Dockerfile: validated by Debian's compose CLI (no Docker engine runs here)."""

import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
COMPOSE = shutil.which("docker-compose")
LONG_RUNNING = {"postgres", "redis", "pgbouncer", "web", "worker", "beat", "nginx"}


def compose_config(tmp_path, **variables) -> subprocess.CompletedProcess:
    env_file = tmp_path / "production.env"
    env_file.write_text("".join(f"{name}={value}\n" for name, value in variables.items()))
    return subprocess.run(
        [
            COMPOSE,
            "--project-directory",
            str(ROOT),
            "--env-file",
            str(env_file),
            "-f",
            str(ROOT / "docker-compose.yml"),
            "config",
        ],
        capture_output=True,
        text=True,
    )


@pytest.fixture
def config(tmp_path):
    result = compose_config(
        tmp_path,
        ECAR_ENV_FILE=tmp_path / "production.env",
        POSTGRES_PASSWORD="s3cret",
        DJANGO_SECRET_KEY="k" * 50,
    )
    assert result.returncode == 0, result.stderr
    return yaml.safe_load(result.stdout)


pytestmark = pytest.mark.skipif(COMPOSE is None, reason="docker-compose absent: deploy/system-packages.sh --test")


def test_compose_config_validates_with_every_service(config):
    services = config["services"]
    assert set(services) == LONG_RUNNING | {"migrate", "backup"}
    for name in LONG_RUNNING:
        assert services[name]["restart"] == "unless-stopped", name
        assert services[name]["healthcheck"]["test"], name
    assert set(config["volumes"]) >= {"pgdata", "media", "static"}


def test_scaled_services_have_no_fixed_name_nor_host_port(config):
    for name in ("web", "worker"):
        assert "container_name" not in config["services"][name]
        assert "ports" not in config["services"][name]
    assert not any("container_name" in service for service in config["services"].values())


def test_the_application_goes_through_pgbouncer_and_migrations_are_a_one_off(config):
    services = config["services"]
    for name in ("web", "worker", "beat"):
        assert services[name]["environment"]["DATABASE_URL"] == "postgres://ecar:s3cret@pgbouncer:6432/ecar"
        assert services[name]["environment"]["DATABASE_PGBOUNCER"] == "true"
        assert services[name]["environment"]["DJANGO_SECRET_KEY"] == "k" * 50  # from the env file
    assert services["pgbouncer"]["environment"]["DATABASE_URL"] == "postgres://ecar:s3cret@postgres:5432/ecar"
    assert services["migrate"]["profiles"] == ["tools"] and services["migrate"]["restart"] == "no"
    assert services["migrate"]["command"] == ["python", "deploy/serve.py", "prepare"]
    assert "8080" in str(services["nginx"]["ports"])
    assert "DJANGO_SECRET_KEY" not in services["nginx"]["environment"]  # the front door holds no secret


def test_a_missing_database_password_is_named(tmp_path):
    result = compose_config(tmp_path, ECAR_ENV_FILE=tmp_path / "production.env")
    assert result.returncode != 0
    assert "POSTGRES_PASSWORD manquant" in result.stderr


def test_the_image_builds_in_stages_and_runs_as_a_user():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert sum(line.startswith("FROM ") for line in dockerfile.splitlines()) == 2
    assert "COPY --from=build" in dockerfile
    assert "system-packages.sh --serve" in dockerfile
    user = [line for line in dockerfile.splitlines() if line.startswith("USER ")]
    assert user and user[-1] != "USER root"
    assert "runserver" not in dockerfile

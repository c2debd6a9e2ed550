"""deploy/system-packages.sh: the one list of Debian packages `make test`, `make run`, CI and the image install."""

import shutil
import subprocess
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parent.parent / "deploy" / "system-packages.sh"

pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def fake_bin(tmp_path, *, installed: bool, uid: int) -> str:
    """A PATH where dpkg-query answers for every package and `id -u` gives the user we pretend to be."""
    status = 'printf "install ok installed"' if installed else "exit 1"
    (tmp_path / "dpkg-query").write_text(f"#!/bin/sh\n{status}\n")
    (tmp_path / "id").write_text(f"#!/bin/sh\necho {uid}\n")
    (tmp_path / "apt-get").write_text(f'#!/bin/sh\necho "apt-get $*" >> {tmp_path}/apt.log\n')
    for name in ("dpkg-query", "id", "apt-get"):
        (tmp_path / name).chmod(0o755)
    return f"{tmp_path}:/usr/bin:/bin"


def run(tmp_path, *args, installed: bool, uid: int):
    env = {"PATH": fake_bin(tmp_path, installed=installed, uid=uid)}
    return subprocess.run(["bash", str(SCRIPT), *args], env=env, capture_output=True, text=True)


def test_missing_packages_without_root_fail_with_the_command_in_french(tmp_path):
    result = run(tmp_path, "--test", installed=False, uid=1000)
    assert result.returncode == 1
    assert "Paquets système manquants : gettext libpango-1.0-0" in result.stderr
    assert (
        "sudo apt-get update && sudo apt-get install -y --no-install-recommends gettext libpango-1.0-0 "
        "libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core fonts-hosny-amiri nginx pgbouncer poppler-utils "
        "docker-compose chromium"
    ) in result.stderr
    assert not (tmp_path / "apt.log").exists()


def test_missing_packages_as_root_are_installed(tmp_path):
    result = run(tmp_path, installed=False, uid=0)
    assert result.returncode == 0, result.stderr
    log = (tmp_path / "apt.log").read_text().splitlines()
    assert log[0] == "apt-get update -qq"
    assert log[1] == (
        "apt-get install -y -qq --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 "
        "libharfbuzz-subset0 fonts-dejavu-core fonts-hosny-amiri"
    )  # no poppler-utils: only the tests need it


def test_serve_adds_nginx_and_pgbouncer(tmp_path):
    result = run(tmp_path, "--serve", installed=False, uid=0)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "apt.log").read_text().splitlines()[1] == (
        "apt-get install -y -qq --no-install-recommends gettext libpango-1.0-0 libpangoft2-1.0-0 "
        "libharfbuzz-subset0 fonts-dejavu-core fonts-hosny-amiri nginx pgbouncer"
    )


def test_nothing_runs_when_everything_is_installed(tmp_path):
    result = run(tmp_path, "--test", installed=True, uid=1000)
    assert result.returncode == 0
    assert result.stderr == ""
    assert not (tmp_path / "apt.log").exists()


def test_make_test_run_and_ci_all_use_the_script():
    root = SCRIPT.parent.parent
    makefile = (root / "Makefile").read_text()
    assert "test: system-packages-test" in makefile
    assert "migrate: system-packages" in makefile  # `make run` → seed → migrate
    assert "deploy/system-packages.sh --serve" in makefile  # make serve
    assert "deploy/system-packages.sh --test" in (root / ".ci" / "run").read_text()
    assert "system-packages.sh --serve" in (root / "Dockerfile").read_text()

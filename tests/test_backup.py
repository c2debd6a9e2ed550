"""deploy/backup.sh and deploy/restore.sh: a database backed up, restored into a new one, compared table by table."""

import os
import shutil
import subprocess
import uuid
from pathlib import Path

import pytest
from django.db import connection

from tests.factories import CarFactory, IssuedInvoiceFactory

ROOT = Path(__file__).resolve().parent.parent

pytestmark = [
    pytest.mark.django_db(transaction=True),  # pg_dump reads committed rows only
    pytest.mark.skipif(connection.vendor != "postgresql", reason="pg_dump and pg_restore: PostgreSQL only"),
    pytest.mark.skipif(shutil.which("pg_dump") is None, reason="needs PostgreSQL's client (pg_dump, pg_restore)"),
]


def url(name: str) -> str:
    settings = connection.settings_dict
    credentials = settings["USER"] + (f":{settings['PASSWORD']}" if settings["PASSWORD"] else "")
    return f"postgres://{credentials}@{settings['HOST'] or '127.0.0.1'}:{settings['PORT'] or 5432}/{name}"


def fingerprint(database_url: str) -> dict[str, str]:
    """Every public table's row count and an md5 of its rows in a stable order, plus the triggers' names."""
    query = """
        SELECT string_agg(format('SELECT %L, count(*) || '':'' || coalesce(md5(string_agg(t::text, '','' ORDER BY
        t::text)), '''') FROM %I t', tablename, tablename), ' UNION ALL ' ORDER BY tablename)
        FROM pg_tables WHERE schemaname = 'public'"""
    psql = ["psql", f"--dbname={database_url}", "-Atq", "-F", "|"]
    union = subprocess.run([*psql, "-c", query], check=True, capture_output=True, text=True).stdout
    rows = subprocess.run([*psql, "-c", union], check=True, capture_output=True, text=True).stdout.splitlines()
    triggers = subprocess.run(
        [*psql, "-c", "SELECT string_agg(tgname, ',' ORDER BY tgname) FROM pg_trigger WHERE NOT tgisinternal"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    return dict(row.split("|", 1) for row in rows) | {"(triggers)": triggers}


def run(script: str, *arguments, **environment) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["bash", str(ROOT / "deploy" / script), *arguments],
        env={**os.environ, **environment},
        capture_output=True,
        text=True,
    )


def test_backup_then_restore_into_a_new_database_gives_the_same_data(tmp_path):
    IssuedInvoiceFactory()
    CarFactory.create_batch(3)
    source = url(connection.settings_dict["NAME"])
    media = tmp_path / "media"
    (media / "workshop").mkdir(parents=True)
    (media / "workshop" / "logo.png").write_bytes(b"\x89PNG logo")

    backup = run("backup.sh", DATABASE_URL=source, ECAR_MEDIA_ROOT=str(media), ECAR_BACKUP_DIR=str(tmp_path / "b"))
    assert backup.returncode == 0, backup.stderr
    folder = Path(backup.stdout.strip().splitlines()[-1])
    assert sorted(p.name for p in folder.iterdir()) == ["SHA256SUMS", "database.dump", "media.tar.gz"]
    assert oct(folder.stat().st_mode & 0o777) == "0o700"

    target_name = f"{connection.settings_dict['NAME']}_restore_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f'CREATE DATABASE "{target_name}"')
    try:
        restored_media = tmp_path / "restored"
        restore = run("restore.sh", str(folder), DATABASE_URL=url(target_name), ECAR_MEDIA_ROOT=str(restored_media))
        assert restore.returncode == 0, restore.stderr
        assert fingerprint(url(target_name)) == fingerprint(source)
        assert (restored_media / "workshop" / "logo.png").read_bytes() == b"\x89PNG logo"

        again = run("restore.sh", str(folder), DATABASE_URL=url(target_name), ECAR_MEDIA_ROOT=str(restored_media))
        assert again.returncode == 1 and "n'est pas vide" in again.stderr  # never over live data
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')


def test_a_tampered_backup_is_refused(tmp_path):
    source = url(connection.settings_dict["NAME"])
    folder = Path(
        run("backup.sh", DATABASE_URL=source, ECAR_MEDIA_ROOT=str(tmp_path / "none"), ECAR_BACKUP_DIR=str(tmp_path))
        .stdout.strip()
        .splitlines()[-1]
    )
    with (folder / "database.dump").open("ab") as dump:
        dump.write(b"x")
    restore = run("restore.sh", str(folder), DATABASE_URL=url("never_created"), ECAR_MEDIA_ROOT=str(tmp_path / "m"))
    assert restore.returncode == 1 and "Sauvegarde altérée" in restore.stderr


def test_rotation_keeps_the_newest(tmp_path):
    source = url(connection.settings_dict["NAME"])
    environment = {"DATABASE_URL": source, "ECAR_MEDIA_ROOT": str(tmp_path / "m"), "ECAR_BACKUP_DIR": str(tmp_path)}
    made = [run("backup.sh", **environment, ECAR_BACKUP_KEEP="2").stdout.strip() for _ in range(3)]
    assert sorted(str(p) for p in tmp_path.glob("ecar-*")) == sorted(made[1:])
    assert run("backup.sh", **environment, ECAR_BACKUP_KEEP="0").returncode == 2

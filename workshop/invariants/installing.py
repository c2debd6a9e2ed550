"""Installing the checks as triggers (PostgreSQL functions, SQLite triggers), and reading back what is installed."""

import re

from . import sales
from .compiling import Check, PostgresDialect, SqliteDialect, checks
from .frozen import FROZEN
from .refusals import MARKER, MESSAGES
from .running import OWING_CUSTOMER, OWING_DAY, postgres_sql, sqlite_sql
from .tables import TABLES


def _message(code: str) -> str:
    text = f"{MARKER}{code}: {MESSAGES[code]}"
    return text.replace("'", "''")


def _postgres_sql(check: Check) -> tuple[str, list[str]]:
    name = f"ecar_{check.name}"
    returned = "OLD" if check.event == "DELETE" else "NEW"
    lock = f"  {check.lock};\n" if check.lock else ""
    body = (
        f"BEGIN\n{lock}  IF ({check.condition}) IS NOT TRUE THEN\n"
        f"    RAISE EXCEPTION USING ERRCODE = '23E01', MESSAGE = '{_message(check.code)}';\n"
        f"  END IF;\n  RETURN {returned};\nEND"
    )
    return body, [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $ecar$\n{body}\n$ecar$",
        f"DROP TRIGGER IF EXISTS {name} ON {check.table}",
        f"CREATE TRIGGER {name} {check.timing} {check.event} ON {check.table} FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]


def _sqlite_sql(check: Check) -> str:
    return (
        f"CREATE TRIGGER ecar_{check.name} {check.timing} {check.event} ON {check.table} FOR EACH ROW "
        f"WHEN coalesce(({check.condition}), 0) = 0 BEGIN SELECT RAISE(ABORT, '{_message(check.code)}'); END"
    )


def _dialect(connection):
    tables = {rule.table for rule in FROZEN}
    if connection.vendor == "postgresql":
        return PostgresDialect({})
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            columns = {
                table: [row[1] for row in cursor.execute(f"PRAGMA table_info({table})").fetchall()] for table in tables
            }
        return SqliteDialect(columns)
    raise NotImplementedError(f"No invariant triggers for {connection.vendor}")


def expected(connection) -> dict[str, str]:
    """Trigger name -> the text the database should hold (PostgreSQL: function body; SQLite: CREATE TRIGGER)."""
    dialect = _dialect(connection)
    if connection.vendor == "postgresql":
        found = {f"ecar_{check.name}": _postgres_sql(check)[0] for check in checks(dialect)}
        kept = {name: body for name, (_table, body) in sales.postgres_functions().items()}
        return {**found, "ecar_owing_sums": postgres_sql()[0], **kept}
    found = {f"ecar_{check.name}": _sqlite_sql(check) for check in checks(dialect)}
    return {**found, **sqlite_sql(), **sales.sqlite_sql()}


def installed(connection) -> dict[str, str]:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname, p.prosrc FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid "
                "WHERE t.tgname LIKE 'ecar\\_%%' AND NOT t.tgisinternal"
            )
            return {name: source.strip() for name, source in cursor.fetchall()}
        cursor.execute(
            "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'ecar\\_%' ESCAPE '\\'"
        )
        return dict(cursor.fetchall())


def _tables_of(check: Check) -> set[str]:
    text = f"{check.condition} {check.lock}"
    return {check.table} | {table for table in TABLES if re.search(rf"\b{table}\b", text)}


def install(connection) -> None:
    """(Re)create every trigger from the spec, and the running sums' (`running`, `sales`); idempotent, so a later
    migration simply calls it again.

    Checks naming a table that does not exist yet are left out: an older migration (0006) runs the current
    spec, whose later tables (the stock ledger) arrive with their own migration, which installs again.
    """
    uninstall(connection)
    dialect = _dialect(connection)
    existing = set(connection.introspection.table_names())
    with connection.cursor() as cursor:
        for check in checks(dialect):
            if not _tables_of(check) <= existing:
                continue
            if connection.vendor == "postgresql":
                for statement in _postgres_sql(check)[1]:
                    cursor.execute(statement)
            else:
                cursor.execute(_sqlite_sql(check))
        if {OWING_CUSTOMER, OWING_DAY} <= existing:  # the running sums of what is owed (migration 0027)
            statements = postgres_sql()[1] if connection.vendor == "postgresql" else sqlite_sql().values()
            for statement in statements:
                cursor.execute(statement)
        if set(sales.TABLES) <= existing:  # what was declared and sold, by day (migration 0028)
            if connection.vendor == "postgresql":
                for name, (table, body) in sales.postgres_functions().items():
                    for statement in sales.postgres_statements(name, table, body):
                        cursor.execute(statement)
            else:
                for statement in sales.sqlite_sql().values():
                    cursor.execute(statement)


def uninstall(connection) -> None:
    names = installed(connection)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT t.tgname, c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                "WHERE t.tgname LIKE 'ecar\\_%%' AND NOT t.tgisinternal"
            )
            for name, table in cursor.fetchall():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name} ON {table}")
                cursor.execute(f"DROP FUNCTION IF EXISTS {name}()")
        else:
            for name in names:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")

"""Compiling the spec (frozen, series, ledgers, ceilings) into checks, in each database's SQL dialect."""

from dataclasses import dataclass

from .ceilings import CEILINGS
from .frozen import FROZEN, FROZEN_CHILDREN, FrozenChild
from .ledgers import LEDGERS
from .series import SERIES
from .tables import SEQUENCE


@dataclass(frozen=True)
class Check:
    """`condition` must be true for the row, else the statement fails with the message of `code`."""

    name: str
    table: str
    timing: str  # BEFORE / AFTER
    event: str  # INSERT / UPDATE / DELETE
    condition: str
    code: str
    lock: str = ""  # PostgreSQL: rows to lock before checking, so a concurrent issue is waited for, then seen


class Dialect:
    epsilon = "0"

    def __init__(self, columns):
        self.columns = columns  # table -> column names (SQLite compares them one by one)

    def same(self, a, b):
        return f"{a} IS NOT DISTINCT FROM {b}"

    def money_eq(self, a, b):
        return f"({a}) = ({b})"

    def unchanged_but(self, table, mutable):
        raise NotImplementedError

    def number_of(self, prefix, row, serial, issue_date):
        raise NotImplementedError

    def sub(self, sql, **names):
        return sql.replace("{epsilon}", self.epsilon).format(**names)


class PostgresDialect(Dialect):
    def unchanged_but(self, table, mutable):
        drop = "ARRAY[" + ", ".join(f"'{c}'" for c in mutable) + "]::text[]" if mutable else "ARRAY[]::text[]"
        return f"(to_jsonb(NEW) - {drop}) = (to_jsonb(OLD) - {drop})"

    def serial(self, prefix, row):
        return f"substring({row}.number from '^{prefix}-[0-9]{{4}}-([0-9]{{5,9}})$')::bigint"

    def expected_number(self, prefix, row, serial):
        year = f"EXTRACT(YEAR FROM {row}.issue_date)::int"
        padded = f"CASE WHEN {serial} >= 100000 THEN ({serial})::text ELSE lpad(({serial})::text, 5, '0') END"
        return f"'{prefix}-' || {year} || '-' || {padded}", f"'{prefix}-' || {year}"


class SqliteDialect(Dialect):
    epsilon = "0.0005"  # SQLite sums decimals as floats: compare to the half millime

    def same(self, a, b):
        return f"{a} IS {b}"

    def money_eq(self, a, b):
        return f"abs(({a}) - ({b})) < 0.0005"

    def unchanged_but(self, table, mutable):
        kept = [c for c in self.columns[table] if c not in mutable]
        return " AND ".join(f"NEW.{c} IS OLD.{c}" for c in kept)

    def serial(self, prefix, row):
        return f"CAST(substr({row}.number, {len(prefix) + 7}) AS INTEGER)"

    def expected_number(self, prefix, row, serial):
        year = f"substr({row}.issue_date, 1, 4)"
        return f"'{prefix}-' || {year} || '-' || printf('%05d', {serial})", f"'{prefix}-' || {year}"


def _parent_locked(dialect, child: FrozenChild, row: str) -> str:
    locked = child.parent_locked.format(p="p")
    return f"EXISTS (SELECT 1 FROM {child.parent} p WHERE p.id = {row}.{child.foreign_key} AND {locked})"


def checks(dialect: Dialect) -> list[Check]:
    found = []
    for rule in FROZEN:
        short = rule.table.removeprefix("workshop_")
        old_locked, new_locked = rule.locked.format(row="OLD"), rule.locked.format(row="NEW")
        keeps = dialect.unchanged_but(rule.table, rule.mutable)
        update = f"NOT ({old_locked}) OR (({new_locked}) AND {keeps})"
        found.append(Check(f"{short}_frozen_update", rule.table, "BEFORE", "UPDATE", update, rule.code))
        found.append(Check(f"{short}_frozen_delete", rule.table, "BEFORE", "DELETE", f"NOT ({old_locked})", rule.code))
    for child in FROZEN_CHILDREN:
        short = child.table.removeprefix("workshop_")
        new, old = _parent_locked(dialect, child, "NEW"), _parent_locked(dialect, child, "OLD")
        fk = child.foreign_key

        def share(*rows, child=child, fk=fk):
            keys = ", ".join(f"{row}.{fk}" for row in rows)
            return f"PERFORM 1 FROM {child.parent} WHERE id IN ({keys}) FOR SHARE"

        found += [
            Check(f"{short}_frozen_insert", child.table, "BEFORE", "INSERT", f"NOT {new}", child.code, share("NEW")),
            Check(
                f"{short}_frozen_update",
                child.table,
                "BEFORE",
                "UPDATE",
                f"NOT {old} AND NOT {new}",
                child.code,
                share("OLD", "NEW"),
            ),
            Check(f"{short}_frozen_delete", child.table, "BEFORE", "DELETE", f"NOT {old}", child.code, share("OLD")),
        ]
    for series in SERIES:
        short = series.table.removeprefix("workshop_")
        draft_new = series.draft.format(row="NEW")
        found.append(
            Check(
                f"{short}_born_draft",
                series.table,
                "BEFORE",
                "INSERT",
                f"({draft_new}) AND NEW.number IS NULL",
                "born_draft",
            )
        )
        serial = dialect.serial(series.prefix, "NEW")
        expected, key = dialect.expected_number(series.prefix, "NEW", serial)
        counter = f"(SELECT last_value FROM {SEQUENCE} WHERE key = {key})"
        issued_now = f"({series.draft.format(row='OLD')}) AND NOT ({draft_new})"
        valid = f"NEW.number = {expected} AND {serial} >= 1 AND {serial} <= {counter}"
        number = f"(({draft_new}) AND NEW.number IS NULL) OR {dialect.same('NEW.number', 'OLD.number')} " + (
            f"OR ({issued_now} AND {valid})"
        )
        found.append(Check(f"{short}_number", series.table, "BEFORE", "UPDATE", number, "number"))
    for ledger in LEDGERS:
        short = ledger.table.removeprefix("workshop_")
        for event in ("INSERT", "UPDATE"):
            parts = [
                dialect.money_eq(f"NEW.{column}", f"({sql.format(row='NEW')})")
                for column, sql in ledger.columns.items()
            ]
            if ledger.status:
                status = dialect.sub(ledger.status, row="NEW")
                parts.append(f"(({ledger.draft.format(row='NEW')}) OR NEW.status = ({status}))")
            found.append(
                Check(
                    f"{short}_ledger_{event.lower()}", ledger.table, "BEFORE", event, " AND ".join(parts), ledger.code
                )
            )
    for ceiling in CEILINGS:
        short = ceiling.table.removeprefix("workshop_")
        parent = f"(SELECT 1 FROM {ceiling.parent} p WHERE p.id = NEW.{ceiling.foreign_key} AND "
        allows = parent + ceiling.parent_allows.format(p="p") + ")"
        lock = f"PERFORM 1 FROM {ceiling.parent} WHERE id = NEW.{ceiling.foreign_key} FOR UPDATE"
        found.append(
            Check(
                f"{short}_parent",
                ceiling.table,
                "BEFORE",
                "INSERT",
                f"EXISTS {allows}",
                ceiling.refused_parent_code,
                lock,  # concurrent inserts for one parent queue, so each total counts the others
            )
        )
        total = (
            f"(SELECT {ceiling.total} FROM {ceiling.table} r WHERE r.{ceiling.foreign_key} = NEW.{ceiling.foreign_key})"
        )
        limit = f"(SELECT {ceiling.limit.format(p='p')} FROM {ceiling.parent} p WHERE p.id = NEW.{ceiling.foreign_key})"
        capped = f"NOT ({ceiling.incoming.format(row='NEW')}) OR {total} <= {limit} + {dialect.epsilon}"
        found.append(Check(f"{short}_ceiling", ceiling.table, "AFTER", "INSERT", capped, ceiling.code))
    return found

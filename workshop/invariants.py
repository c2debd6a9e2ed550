"""What must never happen to the books, enforced by the database itself (PostgreSQL and SQLite triggers).

The models' guards (save(), delete(), the querysets) give the user a clear message; these triggers are the
backstop for every other SQL path: bulk_create, upserts, update_fields, QuerySet.update, raw SQL, another
program. Everything is declared once below and compiled for both databases by `statements()`:

- FROZEN: rows that no longer change once `locked` holds, but for the `mutable` columns;
- FROZEN_CHILDREN: rows that may not be added, changed or removed under a locked parent;
- SERIES: document numbers that only the issuing transition sets, from the series' counter;
- LEDGERS: columns that must always equal what the ledger rows say (and the status that follows, if any);
- CEILINGS: what money coming in may not exceed.

Adding a table or a settlement column is one entry here plus a migration calling `install` again
(`tests/test_invariants.py` fails while the installed triggers differ from what this module generates).
Any later migration that alters one of these tables must `uninstall` first and `install` at its end (as
0008_date_bounds does): SQLite rebuilds the table, which drops its triggers and trips the others naming it.
In SQL fragments, `{row}` is the checked row (NEW or OLD) and `{p}` the parent.

For instance, refunds live in the `workshop_refund` ledger with an `amount_refunded` column on the invoice:
the column is in SETTLEMENT_COLUMNS, `+ {row}.amount_refunded` in INVOICE_BALANCE, its SUM in the invoice
ledger's columns, and `+ {p}.amount_refunded` in the payment ceiling's limit. Reversing payments (negative
amounts) are counted by the sums and never capped by the ceiling (`incoming` is false for them).
"""

import re
from dataclasses import dataclass, field

from django.db import IntegrityError
from django.utils.translation import gettext_lazy as _

INVOICE = "workshop_invoice"
INVOICE_LINE = "workshop_invoiceline"
PAYMENT = "workshop_payment"
CREDIT_NOTE = "workshop_creditnote"
CREDIT_NOTE_LINE = "workshop_creditnoteline"
SEQUENCE = "workshop_documentsequence"
REFUND = "workshop_refund"
PART = "workshop_part"
STOCK_MOVEMENT = "workshop_stockmovement"
LINE_DECISION = "workshop_linedecision"

MARKER = "ECAR-"
"""Every refusal's message starts with `ECAR-<code>:` so Python can tell it from any other database error."""

MESSAGES = {
    "invoice_frozen": _(
        "Une facture émise ne peut être ni modifiée ni supprimée : établissez un avoir pour l'annuler ou la corriger."
    ),
    "credit_note_frozen": _("Un avoir émis ne peut être ni modifié ni supprimé."),
    "payment_frozen": _(
        "Un paiement enregistré ne peut être ni modifié ni supprimé : il est inscrit au règlement de la facture."
    ),
    "refund_frozen": _(
        "Un remboursement ou un avoir client enregistré ne peut être ni modifié ni supprimé : il solde une facture."
    ),
    "payment_on_draft": _("Un paiement ne s'enregistre que sur une facture émise."),
    "overpaid": _("Le paiement dépasse le reste dû de la facture : refusé."),
    "ledger": _(
        "Le règlement d'une facture (encaissé, retenue, avoirs, statut) suit ses paiements et ses avoirs : "
        "il ne se modifie pas à la main."
    ),
    "stock_movement_frozen": _(
        "Un mouvement de stock ne peut être ni modifié ni supprimé : corrigez-le par un ajustement."
    ),
    "line_decision_frozen": _(
        "La réponse d'un client à une ligne du devis est une preuve : elle ne se modifie ni ne se supprime ; "
        "une nouvelle réponse s'ajoute à l'historique."
    ),
    "stock_ledger": _(
        "Le stock d'une pièce est la somme de ses mouvements (ventes, avoirs, réceptions, ajustements) : "
        "il ne se modifie pas à la main."
    ),
    "born_draft": _("Une facture ou un avoir se crée en brouillon, sans numéro ; seule l'émission le numérote."),
    "number": _(
        "Un numéro de facture ou d'avoir ne se donne qu'à l'émission, le suivant de la série de l'année de sa date."
    ),
}


@dataclass(frozen=True)
class Frozen:
    table: str
    locked: str  # SQL over {row}
    mutable: tuple[str, ...]
    code: str


@dataclass(frozen=True)
class FrozenChild:
    table: str
    parent: str
    foreign_key: str
    parent_locked: str  # SQL over {p}
    code: str


@dataclass(frozen=True)
class Series:
    table: str
    prefix: str
    draft: str  # SQL over {row}: the row has not been issued


@dataclass(frozen=True)
class Ledger:
    table: str
    columns: dict[str, str]  # settlement column -> SQL value from the ledger rows of {row}
    status: str | None = None  # SQL over {row}: the status the settlement columns give once issued
    draft: str | None = None  # SQL over {row}
    code: str = "ledger"


@dataclass(frozen=True)
class Ceiling:
    """After an insert into `table`, `total` (over the rows of the same parent) may not exceed `limit`.
    Rows whose `incoming` is false (a reversal, a refund) are never capped."""

    table: str
    parent: str
    foreign_key: str
    parent_allows: str  # SQL over {p}: the parent may take such a row at all
    incoming: str  # SQL over {row}
    total: str  # SQL over the rows `r` of the same parent
    limit: str  # SQL over {p}
    code: str
    refused_parent_code: str = field(default="payment_on_draft")


SETTLEMENT_COLUMNS = ("status", "amount_paid", "amount_withheld", "amount_credited", "amount_refunded", "updated_at")
INVOICE_BALANCE = (
    "{row}.net_to_pay - {row}.amount_paid - {row}.amount_withheld - {row}.amount_credited + {row}.amount_refunded"
)
INVOICE_STATUS = (  # Invoice._settled_status, and `cancelled` once a total credit note is issued
    f"CASE WHEN EXISTS (SELECT 1 FROM {CREDIT_NOTE} c WHERE c.invoice_id = {{row}}.id AND c.status = 'issued' "
    f"AND c.is_total) THEN 'cancelled' WHEN {INVOICE_BALANCE} <= {{epsilon}} THEN 'paid' "
    "WHEN {row}.amount_paid + {row}.amount_withheld > {epsilon} THEN 'partially_paid' ELSE 'issued' END"
)

FROZEN = (
    Frozen(INVOICE, "{row}.status <> 'draft'", SETTLEMENT_COLUMNS, "invoice_frozen"),
    Frozen(CREDIT_NOTE, "{row}.status = 'issued'", (), "credit_note_frozen"),
    Frozen(PAYMENT, "1 = 1", (), "payment_frozen"),  # a ledger: corrections are new rows
    Frozen(REFUND, "1 = 1", (), "refund_frozen"),  # money given back or kept as credit: a ledger too
    Frozen(STOCK_MOVEMENT, "1 = 1", (), "stock_movement_frozen"),  # stock in and out: corrections are new rows
    # The customer's answers to an estimate: evidence. Only the reference to a deleted line or account may become
    # NULL (on_delete=SET_NULL); the answer, its signer, address, time and link never change, nor go.
    Frozen(LINE_DECISION, "1 = 1", ("item_id", "user_id"), "line_decision_frozen"),
)
FROZEN_CHILDREN = (
    FrozenChild(INVOICE_LINE, INVOICE, "invoice_id", "{p}.status <> 'draft'", "invoice_frozen"),
    FrozenChild(CREDIT_NOTE_LINE, CREDIT_NOTE, "credit_note_id", "{p}.status = 'issued'", "credit_note_frozen"),
)
SERIES = (
    Series(INVOICE, "F", "{row}.status = 'draft'"),
    Series(CREDIT_NOTE, "AV", "{row}.status = 'draft'"),
)
LEDGERS = (
    Ledger(
        INVOICE,
        columns={
            "amount_paid": f"SELECT COALESCE(SUM(amount), 0) FROM {PAYMENT} WHERE invoice_id = {{row}}.id",
            "amount_withheld": (
                f"SELECT COALESCE(SUM(withholding_amount), 0) FROM {PAYMENT} WHERE invoice_id = {{row}}.id"
            ),
            "amount_credited": (
                f"SELECT COALESCE(SUM(net_to_pay), 0) FROM {CREDIT_NOTE} "
                "WHERE invoice_id = {row}.id AND status = 'issued'"
            ),
            "amount_refunded": f"SELECT COALESCE(SUM(amount), 0) FROM {REFUND} WHERE invoice_id = {{row}}.id",
        },
        status=INVOICE_STATUS,
        draft="{row}.status = 'draft'",
    ),
    Ledger(
        PART,
        columns={
            "stock_on_hand": f"SELECT COALESCE(SUM(quantity), 0) FROM {STOCK_MOVEMENT} WHERE part_id = {{row}}.id",
        },
        code="stock_ledger",
    ),
)
CEILINGS = (
    Ceiling(
        PAYMENT,
        INVOICE,
        "invoice_id",
        parent_allows="{p}.status <> 'draft'",
        incoming="{row}.amount + {row}.withholding_amount > 0",
        total="SUM(r.amount + r.withholding_amount)",
        limit="{p}.net_to_pay - {p}.amount_credited + {p}.amount_refunded",
        code="overpaid",
    ),
)


# --- compiling the spec into checks -------------------------------------------------------------


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


# --- installing ---------------------------------------------------------------------------------


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
        return {f"ecar_{check.name}": _postgres_sql(check)[0] for check in checks(dialect)}
    return {f"ecar_{check.name}": _sqlite_sql(check) for check in checks(dialect)}


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


TABLES = (INVOICE, INVOICE_LINE, PAYMENT, CREDIT_NOTE, CREDIT_NOTE_LINE, SEQUENCE, REFUND, PART, STOCK_MOVEMENT)


def _tables_of(check: Check) -> set[str]:
    text = f"{check.condition} {check.lock}"
    return {check.table} | {table for table in TABLES if re.search(rf"\b{table}\b", text)}


def install(connection) -> None:
    """(Re)create every trigger from the spec; idempotent, so a later migration simply calls it again.

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


# --- reading refusals ---------------------------------------------------------------------------


def refusal_code(error: BaseException) -> str | None:
    """The spec code of a trigger refusal (`invoice_frozen`, `overpaid`…), or None for any other error."""
    if not isinstance(error, IntegrityError):
        return None
    text = str(error)
    start = text.find(MARKER)
    if start < 0:
        return None
    code = text[start + len(MARKER) :].split(":", 1)[0]
    return code if code in MESSAGES else None


def refusal_message(error: BaseException) -> str | None:
    code = refusal_code(error)
    return str(MESSAGES[code]) if code else None

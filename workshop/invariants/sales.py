"""Sums the database keeps itself of what was declared and sold, by day of issue (workshop.models.sales_days).

A document adds its share when it starts to count and takes it out if it stops: an invoice counts for the TVA once
numbered (cancelled included: the credit note deducts it), for the parts sold while in force; a credit note counts
once issued. Its lines, date and stamp are frozen meanwhile, so no other change needs to move the sums. A share
is read from the document's own lines, grouped by rate or part, so a trigger reads a few rows, never the day.

The statements are written once for both databases: `{insert}`/`{ignore}` make the missing day's row, `{sign}`
adds or takes out, `{row}` is NEW or OLD. PostgreSQL runs them from one function per table, SQLite from a trigger
per event and side.
"""

from dataclasses import dataclass

from .tables import CREDIT_NOTE, CREDIT_NOTE_LINE, INVOICE, INVOICE_LINE

TVA_DAY = "workshop_tvaday"
TVA_DAY_RATE = "workshop_tvadayrate"
PART_SALES_DAY = "workshop_partsalesday"
TABLES = (TVA_DAY, TVA_DAY_RATE, PART_SALES_DAY)
NUMBERED = "('issued', 'partially_paid', 'paid', 'cancelled')"
IN_FORCE = "('issued', 'partially_paid', 'paid')"


def whole(expression: str, scale: int = 1000) -> str:
    """A decimal of the line as an integer count of thousandths (millionths for a cost)."""
    return f"CAST(ROUND({expression} * {scale}) AS BIGINT)"


def _day(counted: str, stamps: str) -> tuple[str, ...]:
    return (
        f"{{insert}} {TVA_DAY} (issue_date) VALUES ({{row}}.issue_date){{ignore}};",
        f"UPDATE {TVA_DAY} SET {counted} = {counted} {{sign}} 1, "
        f"{stamps} = {stamps} {{sign}} {whole('{row}.stamp_duty')} WHERE issue_date = {{row}}.issue_date;",
    )


@dataclass(frozen=True)
class Grouped:
    """A document's lines (`l`, linked by `link`, those matching `only`) grouped by `key` into the day's rows of
    `table` (made if missing, their sums starting at the database's default, 0): each group adds its aggregates
    (`summed`: column -> aggregate over `l`) and the `fixed` values (`invoices`: the document counts once)."""

    table: str
    key: str
    lines: str
    link: str
    summed: dict[str, str]
    fixed: dict[str, str]
    only: str = ""

    def source(self, row: str) -> str:
        return f"FROM {self.lines} l WHERE l.{self.link} = {row}.id{self.only}"

    def statements(self) -> tuple[str, ...]:
        mine, key, table = self.source("{row}"), self.key, self.table
        sets = [
            f"{column} = {column} {{sign}} ({total} {mine} AND l.{key} = {table}.{key})"
            for column, total in self.summed.items()
        ] + [f"{column} = {column} {{sign}} {value}" for column, value in self.fixed.items()]
        return (
            f"{{insert}} {table} (issue_date, {key}) SELECT DISTINCT {{row}}.issue_date, l.{key} {mine}{{ignore}};",
            f"UPDATE {table} SET {', '.join(sets)} WHERE issue_date = {{row}}.issue_date "
            f"AND {key} IN (SELECT l.{key} {mine});",
        )


@dataclass(frozen=True)
class Share:
    """What a document of `table` adds to the sums while {row} satisfies `counts`."""

    name: str
    table: str
    counts: str
    statements: tuple[str, ...]


INVOICE_RATES = Grouped(
    TVA_DAY_RATE,
    "tva_rate",
    INVOICE_LINE,
    "invoice_id",
    {"base_millimes": f"SELECT SUM({whole('l.total_ht')})", "tva_millimes": f"SELECT SUM({whole('l.total_tva')})"},
    {},
)
CREDIT_NOTE_RATES = Grouped(
    TVA_DAY_RATE,
    "tva_rate",
    CREDIT_NOTE_LINE,
    "credit_note_id",
    {
        "credited_base_millimes": f"SELECT SUM({whole('l.total_ht')})",
        "credited_tva_millimes": f"SELECT SUM({whole('l.total_tva')})",
    },
    {},
)
PARTS = Grouped(
    PART_SALES_DAY,
    "part_id",
    INVOICE_LINE,
    "invoice_id",
    {
        "quantity_thousandths": f"SELECT SUM({whole('l.quantity')})",
        "revenue_millimes": f"SELECT SUM({whole('l.total_ht')})",
        "cost_microdinars": f"SELECT SUM({whole('l.quantity * l.unit_cost', 1_000_000)})",
    },
    {"invoices": "1"},
    only=" AND l.kind = 'part' AND l.part_id IS NOT NULL",
)

SHARES = (
    Share(
        "invoice_tva",
        INVOICE,
        f"{{row}}.status IN {NUMBERED}",
        _day("invoices", "invoice_stamps_millimes") + INVOICE_RATES.statements(),
    ),
    Share(
        "credit_note_tva",
        CREDIT_NOTE,
        "{row}.status = 'issued'",
        _day("credit_notes", "credit_stamps_millimes") + CREDIT_NOTE_RATES.statements(),
    ),
    Share("parts_sold", INVOICE, f"{{row}}.status IN {IN_FORCE}", PARTS.statements()),
)


def _statements(share: Share, row: str, sign: str, postgres: bool) -> str:
    insert, ignore = ("INSERT INTO", " ON CONFLICT DO NOTHING") if postgres else ("INSERT OR IGNORE INTO", "")
    return " ".join(
        statement.format(row=row, sign=sign, insert=insert, ignore=ignore) for statement in share.statements
    )


def postgres_functions() -> dict[str, tuple[str, str]]:
    """Function name -> (its table, its body): one function per document table, each share in it taken out when
    its document stops counting and put in when it starts (an INSERT has no OLD row, a DELETE no NEW one)."""
    parts: dict[str, list[str]] = {}
    for share in SHARES:
        new, old = share.counts.format(row="NEW"), share.counts.format(row="OLD")
        parts.setdefault(share.table, []).append(
            f"  IF TG_OP <> 'INSERT' AND {old} AND NOT (TG_OP = 'UPDATE' AND {new}) THEN\n"
            f"    {_statements(share, 'OLD', '-', True)}\n  END IF;\n"
            f"  IF TG_OP <> 'DELETE' AND {new} AND NOT (TG_OP = 'UPDATE' AND {old}) THEN\n"
            f"    {_statements(share, 'NEW', '+', True)}\n  END IF;"
        )
    return {
        f"ecar_sales_sums_{table.removeprefix('workshop_')}": (
            table,
            "BEGIN\n" + "\n".join(ifs) + "\n  RETURN NULL;\nEND",
        )
        for table, ifs in parts.items()
    }


def postgres_statements(name: str, table: str, body: str) -> list[str]:
    return [
        f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $ecar$\n{body}\n$ecar$",
        f"DROP TRIGGER IF EXISTS {name} ON {table}",
        f"CREATE TRIGGER {name} AFTER INSERT OR UPDATE OR DELETE ON {table} FOR EACH ROW EXECUTE FUNCTION {name}()",
    ]


def sqlite_sql() -> dict[str, str]:
    """Trigger name -> CREATE TRIGGER: a share put in when its document starts to count, taken out if it stops."""
    triggers = {}
    for share in SHARES:
        new, old = share.counts.format(row="NEW"), share.counts.format(row="OLD")
        events = {
            "insert": ("INSERT", new, "NEW", "+"),
            "start": ("UPDATE", f"{new} AND NOT ({old})", "NEW", "+"),
            "stop": ("UPDATE", f"{old} AND NOT ({new})", "OLD", "-"),
            "delete": ("DELETE", old, "OLD", "-"),
        }
        for suffix, (event, when, row, sign) in events.items():
            name = f"ecar_{share.name}_{suffix}"
            triggers[name] = (
                f"CREATE TRIGGER {name} AFTER {event} ON {share.table} FOR EACH ROW WHEN {when} "
                f"BEGIN {_statements(share, row, sign, False)} END"
            )
    return triggers


def backfill() -> list[str]:
    """The sums of the documents already there, for the migration that creates the tables: what the triggers would
    have added one document at a time, in one grouped statement per table (`tests/test_sales_days.py` compares)."""
    numbered, issued, in_force = (share.counts.format(row="d") for share in SHARES)
    invoice_lines = f"FROM {INVOICE_LINE} l JOIN {INVOICE} d ON d.id = l.invoice_id"
    return [
        f"INSERT INTO {TVA_DAY} (issue_date, invoices, invoice_stamps_millimes, credit_notes, credit_stamps_millimes) "
        "SELECT issue_date, SUM(invoices), SUM(invoice_stamps), SUM(credit_notes), SUM(credit_stamps) FROM ("
        f"SELECT d.issue_date, 1 AS invoices, {whole('d.stamp_duty')} AS invoice_stamps, 0 AS credit_notes, "
        f"0 AS credit_stamps FROM {INVOICE} d WHERE {numbered} UNION ALL "
        f"SELECT d.issue_date, 0, 0, 1, {whole('d.stamp_duty')} FROM {CREDIT_NOTE} d WHERE {issued}"
        ") documents GROUP BY issue_date",
        f"INSERT INTO {TVA_DAY_RATE} (issue_date, tva_rate, base_millimes, tva_millimes, credited_base_millimes, "
        "credited_tva_millimes) SELECT issue_date, tva_rate, SUM(base), SUM(tva), SUM(credited_base), "
        f"SUM(credited_tva) FROM (SELECT d.issue_date, l.tva_rate, {whole('l.total_ht')} AS base, "
        f"{whole('l.total_tva')} AS tva, 0 AS credited_base, 0 AS credited_tva {invoice_lines} WHERE {numbered} "
        "UNION ALL "
        f"SELECT d.issue_date, l.tva_rate, 0, 0, {whole('l.total_ht')}, {whole('l.total_tva')} "
        f"FROM {CREDIT_NOTE_LINE} l JOIN {CREDIT_NOTE} d ON d.id = l.credit_note_id WHERE {issued}"
        ") lines GROUP BY issue_date, tva_rate",
        f"INSERT INTO {PART_SALES_DAY} (issue_date, part_id, quantity_thousandths, invoices, revenue_millimes, "
        f"cost_microdinars) SELECT d.issue_date, l.part_id, SUM({whole('l.quantity')}), COUNT(DISTINCT l.invoice_id), "
        f"SUM({whole('l.total_ht')}), SUM({whole('l.quantity * l.unit_cost', 1_000_000)}) "
        f"{invoice_lines} WHERE {in_force}{PARTS.only} GROUP BY d.issue_date, l.part_id",
    ]

"""Sums the database keeps itself: what is owed, by customer and by day of issue (workshop.models.owing).

One trigger on the invoices (PostgreSQL: one function; SQLite: a trigger per event and side) takes the old row's
share out of its customer's and its day's sums and puts the new row's in, in millimes. Being a trigger, no write
path skips it: billing, the demo's bulk writes, a migration or raw SQL all keep the sums equal to the invoices
(`tests/test_owing.py` recomputes them).
"""

from dataclasses import dataclass

from .ledgers import INVOICE_BALANCE
from .tables import INVOICE

OWING_CUSTOMER = "workshop_owingcustomer"
OWING_DAY = "workshop_owingday"
OPEN = "('issued', 'partially_paid')"


def millimes(row: str) -> str:
    return f"ROUND(({INVOICE_BALANCE.format(row=row, epsilon=0)}) * 1000)"


def owing(row: str) -> str:
    """The condition of `reports.receivables.open_invoices`, on the balance rounded to the millime."""
    amount = millimes(row)
    return f"(({row}.status IN {OPEN} AND {amount} > 0) OR ({row}.status = 'cancelled' AND {amount} < 0))"


@dataclass(frozen=True)
class RunningSum:
    table: str
    key: str  # the column of both the sums' table and the invoice
    columns: dict[str, str]  # sum column -> its share of the row {row}, in millimes or a count


RUNNING_SUMS = (
    RunningSum(OWING_CUSTOMER, "customer_id", {"balance_millimes": "{m}", "invoices": "1"}),
    RunningSum(
        OWING_DAY,
        "issue_date",
        {
            "open_millimes": f"CASE WHEN {{row}}.status IN {OPEN} THEN {{m}} ELSE 0 END",
            "return_millimes": "CASE WHEN {row}.status = 'cancelled' THEN -{m} ELSE 0 END",
            "invoices": "1",
        },
    ),
)


def _share(expression: str, row: str, cast: str) -> str:
    return cast.format(expression.format(row=row, m=millimes(row)))


def _apply(total: RunningSum, row: str, sign: str, cast: str) -> str:
    sets = ", ".join(f"{name} = {name} {sign} {_share(share, row, cast)}" for name, share in total.columns.items())
    return f"UPDATE {total.table} SET {sets} WHERE {total.key} = {row}.{total.key};"


def _create(total: RunningSum, row: str, postgres: bool) -> str:
    zeros = ", ".join("0" for _ in total.columns)
    insert = "INSERT INTO" if postgres else "INSERT OR IGNORE INTO"
    conflict = f" ON CONFLICT ({total.key}) DO NOTHING" if postgres else ""
    names = ", ".join(total.columns)
    return f"{insert} {total.table} ({total.key}, {names}) VALUES ({row}.{total.key}, {zeros}){conflict};"


POSTGRES_NAME = "ecar_owing_sums"
POSTGRES_CAST = "({})::bigint"
SQLITE_CAST = "CAST({} AS INTEGER)"


def postgres_sql() -> tuple[str, list[str]]:
    """The function's body (what `installed` reads back) and the statements creating it and its trigger."""
    taken = "\n    ".join(_apply(total, "OLD", "-", POSTGRES_CAST) for total in RUNNING_SUMS)
    added = "\n    ".join(
        f"{_create(total, 'NEW', True)}\n    {_apply(total, 'NEW', '+', POSTGRES_CAST)}" for total in RUNNING_SUMS
    )
    body = (
        f"BEGIN\n  IF TG_OP <> 'INSERT' AND {owing('OLD')} THEN\n    {taken}\n  END IF;\n"
        f"  IF TG_OP <> 'DELETE' AND {owing('NEW')} THEN\n    {added}\n  END IF;\n  RETURN NULL;\nEND"
    )
    return body, [
        f"CREATE OR REPLACE FUNCTION {POSTGRES_NAME}() RETURNS trigger LANGUAGE plpgsql AS $ecar$\n{body}\n$ecar$",
        f"DROP TRIGGER IF EXISTS {POSTGRES_NAME} ON {INVOICE}",
        f"CREATE TRIGGER {POSTGRES_NAME} AFTER INSERT OR UPDATE OR DELETE ON {INVOICE} "
        f"FOR EACH ROW EXECUTE FUNCTION {POSTGRES_NAME}()",
    ]


def sqlite_sql() -> dict[str, str]:
    """Trigger name -> CREATE TRIGGER: the old row's share taken out (update, delete), the new one's put in."""
    taken = " ".join(_apply(total, "OLD", "-", SQLITE_CAST) for total in RUNNING_SUMS)
    added = " ".join(
        f"{_create(total, 'NEW', False)} {_apply(total, 'NEW', '+', SQLITE_CAST)}" for total in RUNNING_SUMS
    )
    triggers = {
        "ecar_owing_sums_insert": ("INSERT", "NEW", added),
        "ecar_owing_sums_update_old": ("UPDATE", "OLD", taken),
        "ecar_owing_sums_update_new": ("UPDATE", "NEW", added),
        "ecar_owing_sums_delete": ("DELETE", "OLD", taken),
    }
    return {
        name: f"CREATE TRIGGER {name} AFTER {event} ON {INVOICE} FOR EACH ROW WHEN {owing(row)} BEGIN {body} END"
        for name, (event, row, body) in triggers.items()
    }


BACKFILL = [  # the sums of the invoices already there, for the migration that creates the tables
    f"INSERT INTO {total.table} ({total.key}, {', '.join(total.columns)}) "
    f"SELECT r.{total.key}, "
    + ", ".join(f"SUM({share.format(row='r', m=millimes('r'))})" for share in total.columns.values())
    + f" FROM {INVOICE} r WHERE {owing('r')} GROUP BY r.{total.key}"
    for total in RUNNING_SUMS
]

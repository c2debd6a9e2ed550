"""Insert or update many validated rows with their audit history, as fast as the database allows.

On PostgreSQL, ids are taken from the table's sequence in one query and rows plus their `+` history rows go in
through COPY, several times faster than INSERT for big imports. Updates go through COPY into a temporary table
and one `UPDATE … FROM` it: Django's `bulk_update` builds a `CASE WHEN id = … THEN …` per row and field, which
Python takes seconds to compile and PostgreSQL evaluates row by row (a re-import with updates ran at ~200
rows/s). Elsewhere (SQLite), Django's bulk_create / bulk_update and simple-history's `bulk_history_create`. Either
way the history rows are the ones simple-history would write: same fields, history user, change reason and date.
Rows and history are separate steps so that a caller writing rows in several passes (the demo seed issues
invoices after their lines go in) writes the history once.
"""

from operator import attrgetter

from django.db import connections, models
from django.utils import timezone
from simple_history.utils import get_history_manager_for_model

PLAIN_FIELDS = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.DateField,
    models.DecimalField,
    models.ForeignKey,
)
HISTORY_OWN_FIELDS = {"history_id", "history_date", "history_change_reason", "history_type", "history_user"}


def insert_with_history(objs: list, model, *, user=None, reason: str = "", using: str = "default") -> None:
    """Create `objs` (unsaved, already validated) and one creation history row each; sets their pks."""
    insert_rows(objs, model, using=using)
    write_history(objs, model, history_type="+", user=user, reason=reason, using=using)


def update_with_history(
    objs: list, model, *, fields: list[str], user=None, reason: str = "", using: str = "default"
) -> None:
    """Write `fields` of `objs` (loaded rows changed in memory, already validated) and one `~` history row each."""
    update_rows(objs, model, fields=fields, using=using)
    write_history(objs, model, history_type="~", user=user, reason=reason, using=using)


def insert_rows(objs: list, model, *, using: str = "default") -> None:
    """Create `objs` (unsaved, already validated) without history; sets their pks. The caller writes the history."""
    if not objs:
        return
    connection = connections[using]
    if connection.vendor != "postgresql":
        model._default_manager.db_manager(using).bulk_create(objs, batch_size=500)
        return
    fields = [field for field in model._meta.concrete_fields if not field.primary_key]
    table = model._meta.db_table
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)", [table, len(objs)]
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
        # Plain values go to COPY as they are (psycopg adapts them); only other field types need Django's prep.
        # One timestamp for the whole batch (auto_now/auto_now_add's pre_save per row would differ by microseconds).
        now = timezone.now()
        stamped = [
            field.attname
            for field in fields
            if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        ]
        prepared = [
            (index, field) for index, field in enumerate(fields, start=1) if not isinstance(field, PLAIN_FIELDS)
        ]
        values_of = attrgetter("pk", *(field.attname for field in fields))
        related = any(field.is_relation for field in fields)
        rows = []
        for obj in objs:
            if related:
                obj._prepare_related_fields_for_save(operation_name="insert_rows")
            for attname in stamped:
                setattr(obj, attname, now)
            row = values_of(obj)
            if prepared:
                row = list(row)
                for index, field in prepared:
                    row[index] = field.get_db_prep_save(row[index], connection)
            rows.append(row)
            obj._state.adding = False
            obj._state.db = using
        _copy(cursor, table, ["id", *(field.column for field in fields)], rows, quote)


def update_rows(objs: list, model, *, fields: list[str], using: str = "default") -> None:
    """Write `fields` of `objs` without history, past the queryset guards: the database's own triggers still
    check every row (issued documents accept only the settlement columns they can prove)."""
    if not objs:
        return
    connection = connections[using]
    if connection.vendor != "postgresql":
        models.QuerySet(model, using=using).bulk_update(objs, fields, batch_size=500)
        return
    written = [model._meta.get_field(name) for name in fields]
    table, scratch = model._meta.db_table, f"ecar_update_{model._meta.db_table}"
    quote = connection.ops.quote_name
    columns = ["id", *(field.column for field in written)]
    rows = []
    for obj in objs:
        row = [obj.pk]
        for field in written:
            value = getattr(obj, field.attname)
            row.append(value if isinstance(field, PLAIN_FIELDS) else field.get_db_prep_save(value, connection))
        rows.append(row)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {quote(scratch)} ON COMMIT DROP AS "
            f"SELECT {', '.join(quote(c) for c in columns)} FROM {quote(table)} WITH NO DATA"
        )
        _copy(cursor, scratch, columns, rows, quote)
        assignments = ", ".join(f"{quote(c)} = source.{quote(c)}" for c in columns[1:])
        cursor.execute(
            f"UPDATE {quote(table)} AS target SET {assignments} FROM {quote(scratch)} AS source "
            "WHERE target.id = source.id"
        )
        cursor.execute(f"DROP TABLE {quote(scratch)}")


def write_history(objs: list, model, *, history_type: str, user=None, reason: str = "", using: str = "default") -> None:
    """One history row per object, as simple-history writes it (its fields, reason, type and user); dated by the
    object's `_history_date` when it has one (a demo job by its reception), else now."""
    if not objs:
        return
    connection = connections[using]
    history = get_history_manager_for_model(model)
    if connection.vendor != "postgresql":
        history.bulk_history_create(
            objs, batch_size=500, default_user=user, default_change_reason=reason, update=history_type == "~"
        )
        return
    history_model = history.model
    tracked = [f for f in history_model._meta.concrete_fields if f.name not in HISTORY_OWN_FIELDS]
    user_id = user.pk if user is not None else None
    history_values = attrgetter(*(field.attname for field in tracked))
    now = timezone.now()
    history_rows = (
        (*history_values(obj), getattr(obj, "_history_date", now), reason, history_type, user_id) for obj in objs
    )
    columns = [field.column for field in tracked]
    columns += ["history_date", "history_change_reason", "history_type", "history_user_id"]
    with connection.cursor() as cursor:
        _copy(cursor, history_model._meta.db_table, columns, history_rows, connection.ops.quote_name)


def _copy(cursor, table: str, columns: list[str], rows, quote) -> None:
    statement = f"COPY {quote(table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
    with cursor.db.wrap_database_errors, cursor.cursor.copy(statement) as copy:  # psycopg errors -> Django's
        for row in rows:
            copy.write_row(row)

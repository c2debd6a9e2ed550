"""List filters shared by the admin pages: people by their name, the values of a column read through its index."""

from django.contrib.admin.filters import AllValuesFieldListFilter
from django.db import connections, models
from unfold.contrib.filters.admin import RelatedDropdownFilter

from workshop.people import person_name


class PersonDropdownFilter(RelatedDropdownFilter):
    """A filter on a user foreign key (the mechanic) offering people by their full name, not their login."""

    def field_choices(self, field, request, model_admin):
        ordering = self.field_admin_ordering(field, request, model_admin) or ("first_name", "last_name", "username")
        users = field.related_model._default_manager.complex_filter(field.get_limit_choices_to()).order_by(*ordering)
        return [(user.pk, person_name(user)) for user in users]


class DistinctValuesFilter(AllValuesFieldListFilter):
    """Every value of a text column with few of them: the make of 150,000 cars, the city of 100,000 customers.

    Django's SELECT DISTINCT reads the whole table on every list page (11-13 ms on the demo data). On PostgreSQL a
    recursive query jumps from one value to the next through the column's index instead, one probe per value.
    A list restricted to part of the table (a role that sees some rows only) keeps Django's query over its rows.
    """

    def __init__(self, field, request, params, model, model_admin, field_path):
        super().__init__(field, request, params, model, model_admin, field_path)
        database = self.lookup_choices.db
        if (
            connections[database].vendor == "postgresql"
            and field_path == field.name
            and isinstance(field, models.CharField)
            and not field.choices
            and not self.lookup_choices.query.where
        ):
            self.lookup_choices = index_skip_scan(model, field, database)


def index_skip_scan(model, field, database: str) -> list:
    """The distinct values of `field`, in order, NULL last as PostgreSQL sorts it, read through its index."""
    connection = connections[database]
    table, column = connection.ops.quote_name(model._meta.db_table), connection.ops.quote_name(field.column)
    sql = (
        f"WITH RECURSIVE found(value, position) AS ("
        f"(SELECT {column}, 1 FROM {table} WHERE {column} IS NOT NULL ORDER BY {column} LIMIT 1) UNION ALL "
        f"SELECT (SELECT {column} FROM {table} WHERE {column} > found.value ORDER BY {column} LIMIT 1), "
        f"found.position + 1 FROM found WHERE found.value IS NOT NULL) "
        f"SELECT value, position FROM found WHERE value IS NOT NULL"
    )
    if field.null:  # NULL last, as Django's DISTINCT … ORDER BY lists it on PostgreSQL
        sql += f" UNION ALL SELECT NULL, 2147483647 WHERE EXISTS (SELECT 1 FROM {table} WHERE {column} IS NULL)"
    with connection.cursor() as cursor:
        cursor.execute(sql + " ORDER BY 2")
        return [value for value, _position in cursor.fetchall()]

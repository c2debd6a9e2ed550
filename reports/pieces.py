"""A report's period cut into pieces whose sums can be cached: the TVA summary and the parts report.

The lines of an issued invoice or credit note never change (their amounts, rates and unit costs are frozen with
them) and a numbered document is never deleted, so the sums of a set of documents' lines are known once that
set is known. Each piece of the period is read under a fingerprint of its documents (how many, the sum of their
ids, from the heads grouped by piece): a document issued later with a date in the piece, or one cancelled since
(for a report of invoices in force), changes the fingerprint, and the piece's lines are read again.

The pieces are the whole months of the period that ended before this one began (one cache entry each, as few as
possible), and every other day of the period: the cut months at its edges and the current month, whose days
before today are cached too (only today's lines are read on every visit, not the whole month's).
"""

from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Case, DateField, F, Func, IntegerField, Q, When
from django.db.models.functions import TruncMonth
from django.utils.timezone import localdate


def as_date(value) -> date:
    return value.date() if hasattr(value, "date") else value


def month_end(day: date) -> date:
    return (day.replace(day=1) + timedelta(days=32)).replace(day=1) - timedelta(days=1)


@dataclass(frozen=True)
class Pieces:
    """The pieces of [date_from, date_to]; a piece is named by its first day (a month's first, or the day)."""

    date_from: date
    date_to: date
    today: date

    @classmethod
    def of(cls, date_from: date, date_to: date) -> "Pieces":
        return cls(date_from, date_to, localdate())

    @property
    def months(self) -> tuple[date, date] | None:
        """First and last day of the whole months of the period over before this month began, if any."""
        first = self.date_from if self.date_from.day == 1 else month_end(self.date_from) + timedelta(days=1)
        last = min(self.date_to, self.today.replace(day=1) - timedelta(days=1))
        if month_end(last) != last:
            last = last.replace(day=1) - timedelta(days=1)
        return (first, last) if first <= last else None

    def key(self, field: str):
        """The piece of each row as an expression on its date `field`: its month's first day or the day itself."""
        months = self.months
        if months is None:
            return F(field)
        return Case(
            When(Q(**{f"{field}__range": months}), then=TruncMonth(field, output_field=DateField())),
            default=F(field),
            output_field=DateField(),
        )

    def is_month(self, piece: date) -> bool:
        months = self.months
        return months is not None and months[0] <= piece <= months[1]

    def cacheable(self, piece: date) -> bool:
        """A whole past month, or a day before today (today's documents are still being issued)."""
        return self.is_month(piece) or piece < self.today

    def name(self, piece: date) -> str:
        """« 2026-03 » for a whole month, « 2026-03-14 » for a day: a cache key's part."""
        return f"{piece:%Y-%m}" if self.is_month(piece) else f"{piece:%Y-%m-%d}"

    def span(self, piece: date) -> tuple[date, date]:
        return (piece, month_end(piece)) if self.is_month(piece) else (piece, piece)

    def within(self, pieces, field: str) -> Q:
        """The rows of `pieces`, on the date `field`: one range per run of adjacent pieces."""
        spans: list[tuple[date, date]] = []
        for start, end in sorted(self.span(piece) for piece in pieces):
            if spans and spans[-1][1] + timedelta(days=1) >= start:
                spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
            else:
                spans.append((start, end))
        condition = Q()
        for start, end in spans:
            condition |= Q(**{f"{field}__range": (start, end)})
        return condition


class PeriodOf(Func):
    """The number (1, 2…) of the period a date or moment falls in, `width_bucket` over the periods' starts.

    PostgreSQL finds it by comparing values, where `date_trunc` converted every row (a moment to the time zone, a
    date to a timestamp): on the demo, 41 ms instead of 62 for the 200,000 jobs of twelve weeks, 128 instead of
    185 for the 300,000 invoices of twelve months. Rows before the first start get 0."""

    output_field = IntegerField()

    def __init__(self, expression, starts, array_type: str):
        super().__init__(expression)
        self.starts, self.array_type = starts, array_type

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"width_bucket({sql}, %s::{self.array_type}[])", [*params, self.starts]

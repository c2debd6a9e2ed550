"""The pieces a report's period is cut into for its cache: whole past months, then days."""

from datetime import date

import pytest

from reports.pieces import Pieces
from tests import factories as f
from workshop.models import Invoice

TODAY = date(2026, 11, 26)


@pytest.mark.parametrize(
    ("date_from", "date_to", "months"),
    [
        (date(2025, 11, 26), TODAY, (date(2025, 12, 1), date(2026, 10, 31))),  # the last twelve months
        (date(2026, 1, 1), date(2026, 3, 31), (date(2026, 1, 1), date(2026, 3, 31))),
        (date(2026, 1, 15), date(2026, 3, 10), (date(2026, 2, 1), date(2026, 2, 28))),  # cut at both ends
        (date(2026, 2, 2), date(2026, 2, 27), None),  # no whole month
        (date(2026, 11, 1), date(2026, 11, 30), None),  # this month is not over
        (date(2026, 10, 1), date(2026, 12, 31), (date(2026, 10, 1), date(2026, 10, 31))),
        (date(2024, 2, 1), date(2024, 2, 29), (date(2024, 2, 1), date(2024, 2, 29))),  # a leap February
    ],
)
def test_whole_past_months_of_a_period(date_from, date_to, months):
    assert Pieces(date_from, date_to, TODAY).months == months


def test_pieces_are_whole_past_months_and_days_cached_until_today():
    pieces = Pieces(date(2025, 11, 26), TODAY, TODAY)
    assert pieces.cacheable(date(2026, 3, 1)) and pieces.is_month(date(2026, 3, 1))
    assert pieces.cacheable(date(2025, 11, 27)) and not pieces.is_month(date(2025, 11, 27))
    assert pieces.cacheable(date(2026, 11, 25)) and not pieces.cacheable(TODAY)
    assert pieces.name(date(2026, 3, 1)) == "2026-03" and pieces.name(date(2026, 11, 1)) == "2026-11-01"
    assert pieces.span(date(2026, 2, 1)) == (date(2026, 2, 1), date(2026, 2, 28))
    assert pieces.span(date(2025, 11, 30)) == (date(2025, 11, 30), date(2025, 11, 30))


def test_adjacent_pieces_are_read_as_one_range():
    pieces = Pieces(date(2025, 11, 26), TODAY, TODAY)
    condition = pieces.within([date(2026, 11, 2), date(2025, 11, 30), date(2025, 12, 1), date(2026, 11, 3)], "d")
    assert sorted(child[1] for child in condition.children) == [
        (date(2025, 11, 30), date(2025, 12, 31)),
        (date(2026, 11, 2), date(2026, 11, 3)),
    ]


def test_the_database_names_each_row_by_its_piece(db):
    for day in (date(2026, 1, 31), date(2026, 2, 1), date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 2)):
        f.IssuedInvoiceFactory(issue_date=day)
    pieces = Pieces(date(2026, 1, 31), date(2026, 3, 31), date(2026, 3, 2))
    rows = Invoice.objects.annotate(piece=pieces.key("issue_date")).values_list("issue_date", "piece")
    named = {issued: (piece.date() if hasattr(piece, "date") else piece) for issued, piece in rows}
    assert named == {
        date(2026, 1, 31): date(2026, 1, 31),  # January is cut: a day
        date(2026, 2, 1): date(2026, 2, 1),  # February is whole and over: the month
        date(2026, 2, 28): date(2026, 2, 1),
        date(2026, 3, 1): date(2026, 3, 1),  # March is this month: days
        date(2026, 3, 2): date(2026, 3, 2),
    }

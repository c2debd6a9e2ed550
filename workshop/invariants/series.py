"""Document numbers: only the issuing transition sets one, the next of its series' counter for the year."""

from dataclasses import dataclass

from .tables import CREDIT_NOTE, INVOICE


@dataclass(frozen=True)
class Series:
    table: str
    prefix: str
    draft: str  # SQL over {row}: the row has not been issued


SERIES = (
    Series(INVOICE, "F", "{row}.status = 'draft'"),
    Series(CREDIT_NOTE, "AV", "{row}.status = 'draft'"),
)

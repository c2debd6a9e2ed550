"""Tunisian dinars: Decimal with 3 places (millimes), rounded half-up, shown `1 234,500 DT`."""

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import format_currency
from django.utils.translation import get_language

MILLIME = Decimal("0.001")
ZERO = Decimal("0.000")
HUNDRED = Decimal(100)


def to_millimes(value) -> Decimal:
    """Round any amount half-up to the millime; floats are refused so no binary error slips in."""
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass a Decimal, an int or a str.")
    return Decimal(value if value is not None else 0).quantize(MILLIME, rounding=ROUND_HALF_UP)


def percent_of(amount: Decimal, rate) -> Decimal:
    return to_millimes(Decimal(amount) * Decimal(rate) / HUNDRED)


def format_tnd(value, language: str | None = None) -> str:
    if value is None or value == "":
        return ""
    locale = "ar_TN" if (language or get_language() or "fr").startswith("ar") else "fr_TN"
    return format_currency(to_millimes(value), "TND", locale=locale, format_type="standard")


def line_amounts(*, quantity, unit_price, discount_percent, tva_rate) -> tuple[Decimal, Decimal, Decimal]:
    """(HT, TVA, TTC) of one invoice line, each rounded half-up to the millime, as Tunisian invoices do."""
    gross = Decimal(quantity) * Decimal(unit_price)
    total_ht = to_millimes(gross * (HUNDRED - Decimal(discount_percent or 0)) / HUNDRED)
    total_tva = percent_of(total_ht, tva_rate)
    return total_ht, total_tva, total_ht + total_tva

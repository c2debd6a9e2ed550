"""Tunisian dinars: Decimal with 3 places (millimes), rounded half-up, shown `1 234,500 DT`."""

from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from babel.numbers import format_currency
from django.utils.translation import get_language
from num2words import num2words

MILLIME = Decimal("0.001")
ZERO = Decimal("0.000")
HUNDRED = Decimal(100)


def to_millimes(value) -> Decimal:
    """Round any amount half-up to the millime; floats are refused so no binary error slips in."""
    if isinstance(value, float):
        raise TypeError("Money must not be a float; pass a Decimal, an int or a str.")
    return Decimal(value if value is not None else 0).quantize(MILLIME, rounding=ROUND_HALF_UP)


def from_millimes(count) -> Decimal:
    """A whole number of millimes (how the database's running sums count money) in dinars, exactly."""
    return Decimal(count or 0) * MILLIME


def percent_of(amount: Decimal, rate) -> Decimal:
    return to_millimes(Decimal(amount) * Decimal(rate) / HUNDRED)


def format_tnd(value, language: str | None = None) -> str:
    if value is None or value == "":
        return ""
    locale = "ar_TN" if (language or get_language() or "fr").startswith("ar") else "fr_TN"
    return _format_millimes(to_millimes(value) + ZERO, locale)  # + ZERO: -0.000 reads 0,000 (and caches as one)


@lru_cache(maxsize=16384)
def _format_millimes(amount: Decimal, locale: str) -> str:
    """Babel takes ~0.1 ms an amount; a page prints the same prices and totals over and over."""
    return format_currency(amount, "TND", locale=locale, format_type="standard")


def line_amounts(*, quantity, unit_price, discount_percent, tva_rate) -> tuple[Decimal, Decimal, Decimal]:
    """(HT, TVA, TTC) of one invoice line, each rounded half-up to the millime, as Tunisian invoices do."""
    gross = Decimal(quantity) * Decimal(unit_price)
    total_ht = to_millimes(gross * (HUNDRED - Decimal(discount_percent or 0)) / HUNDRED)
    total_tva = percent_of(total_ht, tva_rate)
    return total_ht, total_tva, total_ht + total_tva


def amount_in_words(value) -> str:
    """French words for an amount, as invoices close: `mille deux cent trente-quatre dinars et cinq cents millimes`."""
    amount = to_millimes(value)
    sign = "moins " if amount < 0 else ""
    dinars, millimes = divmod(int(abs(amount) * 1000), 1000)
    # "un million de dinars": French puts "de" after a round million or milliard.
    of = " de" if dinars >= 1_000_000 and dinars % 1_000_000 == 0 else ""
    words = f"{num2words(dinars, lang='fr')}{of} dinar{'s' if dinars > 1 else ''}"
    if millimes:
        words += f" et {num2words(millimes, lang='fr')} millime{'s' if millimes > 1 else ''}"
    return sign + words


def is_money_field(model_field) -> bool:
    """A model field holding an amount of dinars: every one is declared with `models.common.MONEY`."""
    from django.db.models import DecimalField

    from workshop.models.common import MONEY

    return (
        isinstance(model_field, DecimalField)
        and model_field.max_digits == MONEY["max_digits"]
        and model_field.decimal_places == MONEY["decimal_places"]
    )

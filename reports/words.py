"""Amounts written out in French, as the closing sentence of an invoice requires."""

from decimal import Decimal

from num2words import num2words

from workshop.money import to_millimes


def amount_in_words(amount) -> str:
    """`1234.500` -> `mille deux cent trente-quatre dinars et cinq cents millimes`."""
    value = to_millimes(amount)
    sign = "moins " if value < 0 else ""
    value = abs(value)
    dinars = int(value)
    millimes = int((value - Decimal(dinars)) * 1000)
    unit = "dinar" if dinars <= 1 else "dinars"
    if dinars and dinars % 1_000_000 == 0:
        unit = "de dinars"  # « un million de dinars »
    words = f"{num2words(dinars, lang='fr')} {unit}"
    if millimes:
        words += f" et {num2words(millimes, lang='fr')} {'millime' if millimes == 1 else 'millimes'}"
    return sign + words

"""Number formats for printed documents: amounts with 3 decimals, quantities without useless zeros."""

from decimal import Decimal

from babel.numbers import format_decimal, get_decimal_symbol, get_group_symbol, get_minus_sign_symbol
from django import template

from workshop.money import to_millimes

register = template.Library()

# fr_TN's symbols, read from babel once: « #,##0.000 » is then Python's own « ,.3f » with them swapped in.
SYMBOLS = str.maketrans(
    {",": get_group_symbol("fr_TN"), ".": get_decimal_symbol("fr_TN"), "-": get_minus_sign_symbol("fr_TN")}
)


@register.filter
def tnd(value) -> str:
    """`1234.5` -> `1 234,500` (the currency is stated once on the document)."""
    if value is None or value == "":
        return ""
    # The text of format_decimal(to_millimes(value), format="#,##0.000", locale="fr_TN") (tests/test_document_tags.py)
    # without parsing the locale and the pattern on every call: 66 µs a call, 350 calls on a report page.
    return f"{to_millimes(value):,.3f}".translate(SYMBOLS)


@register.filter
def qty(value) -> str:
    if value is None or value == "":
        return ""
    number = Decimal(value).normalize()
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    return format_decimal(number, locale="fr_TN")

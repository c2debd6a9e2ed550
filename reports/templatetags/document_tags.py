"""Number formats for printed documents: amounts with 3 decimals, quantities without useless zeros."""

from decimal import Decimal

from babel.numbers import format_decimal
from django import template

from workshop.money import to_millimes

register = template.Library()


@register.filter
def tnd(value) -> str:
    """`1234.5` -> `1 234,500` (the currency is stated once on the document)."""
    if value is None or value == "":
        return ""
    return format_decimal(to_millimes(value), format="#,##0.000", locale="fr_TN")


@register.filter
def qty(value) -> str:
    if value is None or value == "":
        return ""
    number = Decimal(value).normalize()
    if number == number.to_integral():
        number = number.quantize(Decimal(1))
    return format_decimal(number, locale="fr_TN")

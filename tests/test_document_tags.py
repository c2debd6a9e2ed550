"""reports.templatetags.document_tags: amounts written as babel writes them for fr_TN."""

import random
from decimal import Decimal

import pytest
from babel.numbers import format_decimal

from reports.templatetags.document_tags import tnd
from workshop.money import to_millimes


def babel(value) -> str:
    return format_decimal(to_millimes(value), format="#,##0.000", locale="fr_TN")


@pytest.mark.parametrize(
    "value",
    ["0", "-0", "-0.0004", "0.0005", "-0.0005", "1234.5", "-1234.5", "999.9995", "1e3", "123456789012.345", 7, -12],
)
def test_amounts_read_as_babel_writes_them(value):
    value = Decimal(value) if isinstance(value, str) else value
    assert tnd(value) == babel(value)


def test_random_amounts_read_as_babel_writes_them():
    draw = random.Random(12)
    for _ in range(5000):
        value = Decimal(draw.randint(-(10**12), 10**12)) / Decimal(10 ** draw.randint(0, 5))
        assert tnd(value) == babel(value), value


def test_no_amount_is_an_empty_text_and_a_float_is_refused():
    assert tnd(None) == tnd("") == ""
    assert tnd("12.5") == "12,500"
    with pytest.raises(TypeError):
        tnd(1.5)

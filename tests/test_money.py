from decimal import Decimal

import pytest
from django.utils import translation

from workshop.money import amount_in_words, format_tnd, line_amounts, percent_of, to_millimes


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1.0005", "1.001"), ("1.0004", "1.000"), ("2.4995", "2.500"), ("-1.0005", "-1.001"), (3, "3.000")],
)
def test_amounts_round_half_up_to_the_millime(value, expected):
    assert to_millimes(Decimal(value) if isinstance(value, str) else value) == Decimal(expected)


def test_floats_are_refused():
    with pytest.raises(TypeError):
        to_millimes(0.1)


def test_line_amounts_round_each_figure_half_up():
    # 3 x 12.345 = 37.035; -10 % = 33.3315 -> 33.332; TVA 19 % = 6.33308 -> 6.333
    assert line_amounts(
        quantity=Decimal(3), unit_price=Decimal("12.345"), discount_percent=Decimal(10), tva_rate=19
    ) == (
        Decimal("33.332"),
        Decimal("6.333"),
        Decimal("39.665"),
    )
    assert percent_of(Decimal("0.050"), 7) == Decimal("0.004")  # 0.0035 rounds up


def test_format_in_french_and_arabic():
    assert format_tnd(Decimal("1234.5"), language="fr") == "1\u202f234,500\xa0DT"
    assert format_tnd(Decimal("0"), language="fr") == "0,000\xa0DT"
    with translation.override("ar"):
        assert "د.ت" in format_tnd(Decimal("12.5"))
    assert format_tnd(None) == ""


@pytest.mark.parametrize(
    ("amount", "words"),
    [
        ("1234.500", "mille deux cent trente-quatre dinars et cinq cents millimes"),
        ("1", "un dinar"),
        ("0.001", "zéro dinar et un millime"),
        ("80.080", "quatre-vingts dinars et quatre-vingts millimes"),
        ("2000000", "deux millions de dinars"),
        (Decimal("239.6455"), "deux cent trente-neuf dinars et six cent quarante-six millimes"),
    ],
)
def test_amounts_in_french_words_as_invoices_close(amount, words):
    assert amount_in_words(amount) == words


def test_a_formatted_amount_does_not_depend_on_what_was_formatted_before():
    """Formatting is kept per amount and language: 1.5 and 1.500 are one amount, minus zero reads zero."""
    with translation.override("fr"):
        assert format_tnd(Decimal("-0.000")) == format_tnd(Decimal("0")) == "0,000\xa0DT"
        assert format_tnd(Decimal("1.5")) == format_tnd(Decimal("1.500")) == "1,500\xa0DT"
    with translation.override("ar"):
        assert format_tnd(Decimal("1.5")) != format_tnd(Decimal("1.5"), language="fr")

from decimal import Decimal

import pytest

from workshop.money import amount_in_words


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

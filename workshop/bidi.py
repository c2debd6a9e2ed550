"""Identifiers (plates, part references, operation codes) read left to right inside Arabic text.

« 123 TU 4567 · Peugeot 208 » in a right-to-left selector came out as « TU 4567 · Peugeot 208 123 »: the digits
and spaces around the Latin letters take the paragraph's direction. A left-to-right isolate keeps them together.
"""

from django.utils.translation import get_language_bidi

LRI, PDI = "\u2066", "\u2069"


def ltr(text: str) -> str:
    """`text` isolated left to right when the active language is written right to left; unchanged otherwise, so
    that French screens, documents and exports carry no invisible characters."""
    return f"{LRI}{text}{PDI}" if text and get_language_bidi() else text

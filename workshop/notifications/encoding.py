"""What an SMS costs before it leaves: GSM-7 or UCS-2, characters, segments (3GPP TS 23.038).

One segment holds 160 GSM-7 septets (153 when the message is split, the rest carries the concatenation
header) or 70 UCS-2 units (67 when split). A GSM-7 extension character (€ [ ] { } ...) takes two septets and
is never cut in two; a UCS-2 surrogate pair (emoji) is never cut in two either.
"""

import re
from dataclasses import dataclass

GSM7_BASIC = (
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
GSM7_EXTENSION = "\f^{}\\[~]|€"
_BASIC = frozenset(GSM7_BASIC)
_EXTENSION = frozenset(GSM7_EXTENSION)

GSM7, UCS2 = "GSM-7", "UCS-2"
LIMITS = {GSM7: (160, 153), UCS2: (70, 67)}

# French letters and typography without a GSM-7 twin, written the nearest GSM-7 way (ç→c, ê→e, œ→oe...).
FRENCH_TO_GSM7 = str.maketrans(
    {
        "ç": "c",
        "â": "a",
        "ê": "e",
        "î": "i",
        "ô": "o",
        "û": "u",
        "ë": "e",
        "ï": "i",
        "ÿ": "y",
        "œ": "oe",
        "æ": "ae",
        "À": "A",
        "Â": "A",
        "È": "E",
        "Ê": "E",
        "Ë": "E",
        "Î": "I",
        "Ï": "I",
        "Ô": "O",
        "Ù": "U",
        "Û": "U",
        "Ÿ": "Y",
        "Œ": "OE",
        "«": '"',
        "»": '"',
        "“": '"',
        "”": '"',
        "’": "'",
        "‘": "'",
        "…": "...",
        "–": "-",
        "—": "-",
        "\u00a0": " ",  # no-break space
        "\u202f": " ",  # narrow no-break space, before ; : ! ? in French typography
    }
)
_ARABIC = re.compile(r"[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]")


@dataclass(frozen=True)
class SmsLength:
    encoding: str
    characters: int  # as the phone counts them: septets for GSM-7, UTF-16 units for UCS-2
    segments: int

    @property
    def per_segment(self) -> int:
        single, multi = LIMITS[self.encoding]
        return single if self.segments <= 1 else multi

    def __str__(self):
        return f"{self.encoding} · {self.characters} car. · {self.segments} SMS"


def is_gsm7(text: str) -> bool:
    return all(c in _BASIC or c in _EXTENSION for c in text)


def _units(text: str, encoding: str) -> list[int]:
    """The width of each character in the encoding's units (septets or UTF-16 units)."""
    if encoding == GSM7:
        return [2 if c in _EXTENSION else 1 for c in text]
    return [2 if ord(c) > 0xFFFF else 1 for c in text]


def measure(text: str) -> SmsLength:
    encoding = GSM7 if is_gsm7(text) else UCS2
    units = _units(text, encoding)
    total = sum(units)
    single, multi = LIMITS[encoding]
    if total <= single:
        return SmsLength(encoding, total, 1 if total else 0)
    segments, used = 1, 0
    for width in units:  # a two-unit character never straddles two segments
        if used + width > multi:
            segments, used = segments + 1, 0
        used += width
    return SmsLength(encoding, total, segments)


def has_arabic(text: str) -> bool:
    return bool(_ARABIC.search(text))


def to_gsm7(text: str) -> str:
    """The French text in GSM-7 where every letter has a twin; otherwise (Arabic, other scripts) unchanged."""
    if has_arabic(text) or is_gsm7(text):
        return text
    written = text.translate(FRENCH_TO_GSM7)
    return written if is_gsm7(written) else text

"""GSM-7 or UCS-2, characters and segments, on a table of French and Arabic messages; the French GSM-7 writing."""

import pytest

from workshop.notifications.encoding import GSM7, UCS2, has_arabic, is_gsm7, measure, to_gsm7

TABLE = [
    # text, encoding, characters, segments
    ("", GSM7, 0, 0),
    ("Votre véhicule est prêt", UCS2, 23, 1),  # ê is not GSM-7
    ("Votre vehicule est pret", GSM7, 23, 1),
    ("Réparation terminée à 18h, où êtes-vous ?", UCS2, 41, 1),
    ("Réparation terminée à 18h, où etes-vous ?", GSM7, 41, 1),  # é à ù are GSM-7
    ("Garçon", UCS2, 6, 1),
    ("Œuvre", UCS2, 5, 1),
    ("é" * 160, GSM7, 160, 1),
    ("é" * 161, GSM7, 161, 2),
    ("a" * 306, GSM7, 306, 2),  # 2 × 153
    ("a" * 307, GSM7, 307, 3),
    ("Prix : 100€", GSM7, 12, 1),  # € is an extension character: two septets
    ("€" * 80, GSM7, 160, 1),
    ("€" * 81, GSM7, 162, 2),
    ("a" + "€" * 77, GSM7, 155, 1),
    ("a" * 152 + "€" + "b" * 152, GSM7, 306, 3),  # the escape pair is not cut: 152 | € + 151 | 1
    ("سيارتكم جاهزة", UCS2, 13, 1),
    ("س" * 70, UCS2, 70, 1),
    ("س" * 71, UCS2, 71, 2),
    ("س" * 134, UCS2, 134, 2),  # 2 × 67
    ("س" * 135, UCS2, 135, 3),
    ("Votre voiture 123 TU 4567 سيارتكم", UCS2, 33, 1),
    ("ok 🚗", UCS2, 5, 1),  # the emoji is a surrogate pair: two UTF-16 units
    ("a" * 66 + "🚗" + "b" * 66, UCS2, 134, 3),  # the pair is not cut: 66 | 🚗 + 65 | 1
]


@pytest.mark.parametrize(("text", "encoding", "characters", "segments"), TABLE)
def test_encoding_characters_and_segments(text, encoding, characters, segments):
    length = measure(text)
    assert (length.encoding, length.characters, length.segments) == (encoding, characters, segments)


FRENCH = [
    ("Votre véhicule est prêt.", "Votre véhicule est pret."),
    ("Garçon, île, hôtel, sûr, âge, Noël, maïs, cœur", "Garcon, ile, hotel, sur, age, Noel, mais, coeur"),
    ("« Prêt » – À bientôt…", '" Pret " - A bientot...'),
    ("Prix\u202f: 12,500\u00a0DT", "Prix : 12,500 DT"),
    ("déjà là, où, élève", "déjà là, où, élève"),  # already GSM-7: untouched
]


@pytest.mark.parametrize(("french", "gsm7"), FRENCH)
def test_french_is_written_in_gsm7_where_a_letter_has_a_twin(french, gsm7):
    assert to_gsm7(french) == gsm7
    assert is_gsm7(to_gsm7(french))


def test_a_two_segment_french_message_costs_one_once_written_in_gsm7():
    text = "Votre véhicule 123 TU 4567 est prêt. Vous pouvez venir le récupérer dès aujourd'hui, nous fermons à 18h."
    assert measure(text).segments == 2
    assert measure(to_gsm7(text)).segments == 1


@pytest.mark.parametrize(
    "text",
    ["سيارتكم جاهزة، الرجاء القدوم", "Votre véhicule est prêt — سيارتكم جاهزة", "Prêt 🚗"],
)
def test_arabic_and_other_scripts_are_never_altered(text):
    assert to_gsm7(text) == text


def test_arabic_is_detected():
    assert has_arabic("سيارة") and not has_arabic("voiture prête")

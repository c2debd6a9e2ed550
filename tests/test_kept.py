"""`portal.kept.Kept`: rendered once per key, never more than its limit."""

from portal.kept import Kept


def test_each_key_is_rendered_once_and_a_full_store_starts_again():
    rendered = []
    kept = Kept(limit=2)

    def render(text):
        return lambda: rendered.append(text) or text

    assert kept.get_or_render("a", render("A")) == kept.get_or_render("a", render("other")) == "A"
    kept.get_or_render("b", render("B"))
    assert rendered == ["A", "B"] and len(kept) == 2
    assert kept.get_or_render("c", render("C")) == "C"
    assert list(kept) == ["c"]  # the limit was reached: started again

"""The PDF engine: local files only, one URL fetcher per process, fonts stamped with a fixed date, and layout
one document at a time (Pango is not safe across threads)."""

import pytest

from reports import documents, pdf_rendering
from tests import factories as f


def test_fetcher_refuses_network_and_paths_outside_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "logo.png").write_bytes(b"png")
    fetcher = pdf_rendering.LocalFileFetcher()
    assert fetcher.fetch("ecar:/media/logo.png").read() == b"png"
    with pytest.raises(ValueError):
        fetcher.fetch("https://example.com/logo.png")
    with pytest.raises(ValueError):
        fetcher.fetch("ecar:/media/../../etc/passwd")


def test_renders_reuse_one_url_fetcher(db, monkeypatch):
    """Building a fetcher sets up urllib's handlers and an SSL context: once per process, not per PDF."""

    built = []
    original = pdf_rendering.LocalFileFetcher.__init__

    def counting_init(self, *args, **kwargs):
        built.append(self)
        original(self, *args, **kwargs)

    pdf_rendering._url_fetcher.cache_clear()
    pdf_rendering._stylesheet.cache_clear()
    monkeypatch.setattr(pdf_rendering.LocalFileFetcher, "__init__", counting_init)
    invoice = f.IssuedInvoiceFactory()
    documents.invoice_pdf(invoice)
    documents.invoice_pdf(invoice)
    assert len(built) == 1


def test_font_timestamp_is_pinned_for_fonttools():
    import os

    from fontTools.misc.timeTools import epoch_diff, timestampNow

    assert os.environ["SOURCE_DATE_EPOCH"] == pdf_rendering.FONT_TIMESTAMP
    assert timestampNow() + epoch_diff == 1_672_531_200  # 2023-01-01 00:00:00 UTC


def test_documents_are_laid_out_one_at_a_time_across_threads(monkeypatch):
    """Pango is not safe across threads: eight PDFs asked for at once are laid out in turn, and all come out."""
    import threading
    import time

    inside, most = [0], [0]
    layout = pdf_rendering._layout

    def watched(html):
        inside[0] += 1
        most[0] = max(most[0], inside[0])
        time.sleep(0.01)  # long enough for another thread to come in, were it let in
        try:
            return layout(html)
        finally:
            inside[0] -= 1

    monkeypatch.setattr(pdf_rendering, "_layout", watched)
    context = {"title": "Essai"}
    results = []

    def render():
        results.append(
            pdf_rendering.render_pdf("documents/report.html", context, identity=pdf_rendering.PdfIdentity("t"))
        )

    threads = [threading.Thread(target=render) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(results) == 8 and all(pdf.startswith(b"%PDF") for pdf in results)
    assert most[0] == 1

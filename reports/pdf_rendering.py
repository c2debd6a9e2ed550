"""The PDF engine: HTML rendered from a Django template, laid out and written by WeasyPrint.

One FontConfiguration and one compiled stylesheet serve every render: building them is the slow part.
Resources (logo, static files) are read from disk by our own URL fetcher; nothing is fetched from the network.
A PDF's metadata come from its `PdfIdentity` (an identifier and a date) instead of the clock, so the same document
is byte-for-byte the same every time it is produced.

Fonts are embedded as subsets. Without HarfBuzz-Subset (libharfbuzz-subset0 missing or older than 4.1, colour or
variable fonts), WeasyPrint subsets with fontTools, which stamps each subset font's `head.modified` with the current
second: two renders a second apart then differ by a byte. fontTools reads that stamp from SOURCE_DATE_EPOCH when it is
set (the reproducible-builds convention), so this module pins it for the process, once, at import.
"""

import base64
import hashlib
import mimetypes
import os
import threading
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings
from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import translation
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

STYLESHEET = Path(__file__).resolve().parent.parent / "templates" / "documents" / "print.css"
BASE_URL = "ecar:/"  # relative URLs resolve under this scheme, which only our fetcher serves
FONT_TIMESTAMP = "1672531200"  # 2023-01-01 00:00:00 UTC: the `modified` date of every embedded subset font


def pin_font_timestamp() -> None:
    """Make fontTools' subset fonts carry a fixed date instead of the clock (set once per process: the environment
    is shared by every thread, so it is never changed back and forth around a render)."""
    os.environ.setdefault("SOURCE_DATE_EPOCH", FONT_TIMESTAMP)


pin_font_timestamp()


PNG_DATA_URI = "data:image/png;base64,"


class LocalFileFetcher(URLFetcher):
    """Serve `/static/…`, `/media/…` and `ecar:/…` from disk, and inline PNG (`data:image/png;base64,…`, the
    El Fatoora QR code); refuse every other URL (no network access)."""

    def fetch(self, url, headers=None):
        if url.startswith(PNG_DATA_URI):
            return URLFetcherResponse(
                url, base64.b64decode(url.removeprefix(PNG_DATA_URI)), {"Content-Type": "image/png"}
            )
        parsed = urlparse(url)
        if parsed.scheme not in ("ecar", "file", ""):
            raise ValueError(f"External resources are not fetched in documents: {url}")
        path = _local_path(unquote(parsed.path))
        if path is None:
            raise ValueError(f"No local file for {url}")
        mime_type, _encoding = mimetypes.guess_type(path.name)
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime_type or "application/octet-stream"})


def _local_path(url_path: str) -> Path | None:
    static_prefix = "/" + settings.STATIC_URL.strip("/") + "/"
    media_prefix = "/" + settings.MEDIA_URL.strip("/") + "/"
    if url_path.startswith(media_prefix):
        root = Path(settings.MEDIA_ROOT).resolve()
        path = (root / url_path.removeprefix(media_prefix)).resolve()
        return path if path.is_file() and root in path.parents else None
    if url_path.startswith(static_prefix):
        found = finders.find(url_path.removeprefix(static_prefix))
        return Path(found) if found else None
    return None


@cache
def _font_config() -> FontConfiguration:
    return FontConfiguration()


@cache
def _url_fetcher() -> LocalFileFetcher:
    """One fetcher for every render: building one sets up urllib's handlers and an SSL context (~60 ms)."""
    return LocalFileFetcher()


@cache
def _stylesheet() -> CSS:
    return CSS(filename=str(STYLESHEET), font_config=_font_config(), url_fetcher=_url_fetcher())


@dataclass(frozen=True)
class PdfIdentity:
    """What makes a PDF reproducible: a stable identifier and a fixed date."""

    key: str
    created: datetime | None = None

    @property
    def identifier(self) -> bytes:
        return hashlib.sha256(self.key.encode()).hexdigest()[:32].encode()

    @property
    def w3c_date(self) -> str | None:
        return self.created.isoformat(timespec="seconds") if self.created else None


# WeasyPrint shares its fonts (Pango, FontConfig) between documents, and Pango is not safe across threads: eight
# invoices issued at once in threads (runserver, a threaded worker) crashed the process now and then (SIGSEGV in
# the line layout, WeasyPrint issue #1402). Layout and writing take turns; templates render side by side.
_LAYOUT = threading.Lock()


def _html(template_name: str, context: dict) -> HTML:
    """One document's HTML, in French whatever the user's language."""
    with translation.override("fr"):
        html = render_to_string(template_name, context)
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_url_fetcher())


def _layout(html: HTML):
    return html.render(stylesheets=[_stylesheet()], font_config=_font_config())


def _write(document, identity: PdfIdentity) -> bytes:
    document.metadata.created = identity.w3c_date
    document.metadata.modified = identity.w3c_date
    document.metadata.generator = "ECAR"
    document.metadata.authors = []
    return document.write_pdf(pdf_identifier=identity.identifier)


def render_pdf(template_name: str, context: dict, *, identity: PdfIdentity) -> bytes:
    html = _html(template_name, context)
    with _LAYOUT:
        return _write(_layout(html), identity)


def render_many(documents: list[tuple[str, dict]], *, identity: PdfIdentity) -> bytes:
    """Several documents in one PDF; each keeps its own page numbering."""
    pages_of = [_html(template_name, context) for template_name, context in documents]
    with _LAYOUT:
        rendered = [_layout(html) for html in pages_of]
        pages = [page for document in rendered for page in document.pages]
        return _write(rendered[0].copy(pages), identity)

"""The garage's business rules: Tunisian billing, El Fatoora e-invoices, the demo's date, the customer's approval
of an estimate, printed documents and reports, and the limits a customer import is held to."""

import os
from decimal import Decimal

from .core import env_bool

# --- Tunisian billing rules (see README "Règles de facturation") -------------------------------
ECAR_STAMP_DUTY = Decimal(os.environ.get("ECAR_STAMP_DUTY", "1.000"))
ECAR_WITHHOLDING_RATE = Decimal(os.environ.get("ECAR_WITHHOLDING_RATE", "1"))
ECAR_WITHHOLDING_THRESHOLD = Decimal(os.environ.get("ECAR_WITHHOLDING_THRESHOLD", "1000.000"))
ECAR_DEFAULT_PAYMENT_TERMS_DAYS = int(os.environ.get("ECAR_DEFAULT_PAYMENT_TERMS_DAYS", "30"))

# --- El Fatoora e-invoices (workshop/einvoice; README "Facture électronique") -----------------------
# E-invoicing on: issuing refuses what El Fatoora cannot carry (workshop/einvoice/checks.py).
ECAR_EINVOICING = env_bool("ECAR_EINVOICING", False)
# First issue date whose documents the periodic task prepares (and signs, with ECAR_TEIF_P12) for El Fatoora.
ECAR_EINVOICING_FROM = os.environ.get("ECAR_EINVOICING_FROM", "")
# TTN's XSD 1.8.8 (XSD 1.1), when the garage holds a copy: every TEIF file is then also checked against it.
ECAR_TEIF_XSD = os.environ.get("ECAR_TEIF_XSD", "")
# The seal's key and chain (PKCS#12) and the signature policy (V3.0 by default, see workshop/einvoice/signature.py).
ECAR_TEIF_P12 = os.environ.get("ECAR_TEIF_P12", "")
ECAR_TEIF_P12_PASSWORD = os.environ.get("ECAR_TEIF_P12_PASSWORD", "")
ECAR_TEIF_POLICY = os.environ.get("ECAR_TEIF_POLICY", "v3")
# TTN's web service: off unless all four are set (the WSDL URL of test.elfatoora.tn, then of elfatoora.tn).
ECAR_TTN_WSDL = os.environ.get("ECAR_TTN_WSDL", "")
ECAR_TTN_LOGIN = os.environ.get("ECAR_TTN_LOGIN", "")
ECAR_TTN_PASSWORD = os.environ.get("ECAR_TTN_PASSWORD", "")
ECAR_TTN_MATRICULE = os.environ.get("ECAR_TTN_MATRICULE", "")
ECAR_TTN_TIMEOUT = float(os.environ.get("ECAR_TTN_TIMEOUT", "30"))  # seconds per call
ECAR_TTN_BATCH = int(os.environ.get("ECAR_TTN_BATCH", "200"))  # e-invoices sent or asked about per run
ECAR_TTN_POLL_MINUTES = int(os.environ.get("ECAR_TTN_POLL_MINUTES", "5"))
# The demo's "today" (YYYY-MM-DD): every demo date is counted back from it. Empty: the day `seed_demo` runs.
ECAR_DEMO_REFERENCE_DATE = os.environ.get("ECAR_DEMO_REFERENCE_DATE", "")

# --- Estimate approval by the customer (workshop.approvals; README « Accord du devis ») ------------
# A signed link to the public approval page lasts this many days; the page counts at most
# ECAR_APPROVAL_PAGE_RATE requests per client address and hour (default cache). Links are absolute URLs
# on ECAR_PUBLIC_URL (the address customers reach the garage's server at).
ECAR_APPROVAL_LINK_DAYS = int(os.environ.get("ECAR_APPROVAL_LINK_DAYS", "7"))
ECAR_APPROVAL_PAGE_RATE = int(os.environ.get("ECAR_APPROVAL_PAGE_RATE", "60"))
ECAR_PUBLIC_URL = os.environ.get("ECAR_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")

# --- Documents and reports ----------------------------------------------------------------------
ECAR_ESTIMATE_VALID_DAYS = int(os.environ.get("ECAR_ESTIMATE_VALID_DAYS", "15"))
# The dashboard's figures are computed at most once per this many seconds (per visibility scope).
ECAR_DASHBOARD_CACHE_SECONDS = int(os.environ.get("ECAR_DASHBOARD_CACHE_SECONDS", "60"))

# --- Import limits (workshop.imports.spreadsheet_limits) ---------------------------------------------------
# Checked before a spreadsheet is parsed, so a small hostile file (zip bomb, millions of shared strings)
# cannot take the worker's memory or time. A refusal names the limit; nothing is written.
ECAR_IMPORT_MAX_ROWS = int(os.environ.get("ECAR_IMPORT_MAX_ROWS", "500000"))  # data rows per file
ECAR_IMPORT_MAX_COLUMNS = int(os.environ.get("ECAR_IMPORT_MAX_COLUMNS", "200"))
ECAR_IMPORT_MAX_CELL_CHARS = int(os.environ.get("ECAR_IMPORT_MAX_CELL_CHARS", "32767"))  # Excel's own cell limit
ECAR_IMPORT_MAX_SHARED_STRINGS = int(os.environ.get("ECAR_IMPORT_MAX_SHARED_STRINGS", "1000000"))
ECAR_IMPORT_MAX_UNCOMPRESSED_BYTES = int(os.environ.get("ECAR_IMPORT_MAX_UNCOMPRESSED_BYTES", str(1024**3)))
ECAR_IMPORT_MAX_PART_BYTES = int(os.environ.get("ECAR_IMPORT_MAX_PART_BYTES", str(100 * 1024**2)))  # non-sheet parts
ECAR_IMPORT_MAX_COMPRESSION_RATIO = int(os.environ.get("ECAR_IMPORT_MAX_COMPRESSION_RATIO", "100"))
ECAR_IMPORT_MAX_ZIP_MEMBERS = int(os.environ.get("ECAR_IMPORT_MAX_ZIP_MEMBERS", "1000"))

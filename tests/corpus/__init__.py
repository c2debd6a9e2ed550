"""The hostile-input corpus: names, files and recipes the suite replays through imports and exports."""

import json
from pathlib import Path

CORPUS = Path(__file__).resolve().parent


def formula_names() -> list[str]:
    """Strings that Excel or LibreOffice would run as formulas if written unchanged."""
    return json.loads((CORPUS / "formulas.json").read_text(encoding="utf-8"))["names"]

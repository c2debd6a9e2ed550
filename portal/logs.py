"""One JSON object per log line on stdout: what a log collector reads without parsing free text."""

import json
import logging
from datetime import UTC, datetime

# gunicorn's access-log atoms worth a field of their own (see deploy/gunicorn.conf.py).
ACCESS_FIELDS = {"m": "method", "U": "path", "q": "query", "s": "status", "B": "bytes"}


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
        }
        if record.name == "gunicorn.access" and isinstance(record.args, dict):
            for atom, field in ACCESS_FIELDS.items():
                value = record.args.get(atom)
                if value not in (None, "-", ""):
                    entry[field] = value
            if str(record.args.get("D", "")).isdigit():  # microseconds
                entry["duration_ms"] = round(int(record.args["D"]) / 1000, 1)
            entry["client"] = record.args.get("{x-real-ip}i") or record.args.get("h")
            entry["message"] = f"{entry.get('method', '')} {entry.get('path', '')} {entry.get('status', '')}"
        else:
            entry["message"] = record.getMessage()
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False, default=str)

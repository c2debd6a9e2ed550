"""Development backend: the message is printed on the worker's output and counts as sent."""

import sys
import uuid

from . import Gateway


class ConsoleGateway(Gateway):
    def send(self, *, phone: str, text: str, sender: str) -> str:
        message_id = f"console-{uuid.uuid4().hex[:12]}"
        stream = self.options.get("stream") or sys.stdout
        stream.write(f"[SMS {message_id}] de {sender} à {phone} :\n{text}\n")
        stream.flush()
        return message_id

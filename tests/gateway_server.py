"""A real HTTP server on 127.0.0.1 standing in for an SMS gateway: scripted answers, every request recorded."""

import json
import threading
import time
import urllib.parse
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class FakeGateway:
    def __init__(self):
        self.requests: list[dict] = []
        self.answers: deque = deque()
        self.default = (200, {"success": True, "code": "message_queued", "data": {"message_id": "auto"}}, 0)
        self.lock = threading.Lock()
        self.counter = 0
        gateway = self

        class Handler(BaseHTTPRequestHandler):
            def _answer(self):
                url = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(url.query, encoding="utf-8"))
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    params.update(urllib.parse.parse_qsl(self.rfile.read(length).decode(), encoding="utf-8"))
                with gateway.lock:
                    gateway.counter += 1
                    number = gateway.counter
                    gateway.requests.append({"method": self.command, "path": url.path, "params": params})
                    status, body, delay = gateway.answers.popleft() if gateway.answers else gateway.default
                if delay:
                    time.sleep(delay)
                if callable(body):
                    body = body(params, number)
                raw = body if isinstance(body, (str, bytes)) else json.dumps(body)
                raw = raw.encode() if isinstance(raw, str) else raw
                try:
                    self.send_response(status)
                    self.send_header("Content-Type", "application/json; charset=utf-8")
                    self.send_header("Content-Length", str(len(raw)))
                    self.end_headers()
                    self.wfile.write(raw)
                except (BrokenPipeError, ConnectionResetError):  # the client gave up (timeout test)
                    pass

            do_GET = do_POST = _answer

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api.aspx"
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    def then(self, status: int = 200, body=None, delay: float = 0) -> "FakeGateway":
        """Queue the next answer (JSON of a dict, a string as is, or a function of the params and request number)."""
        self.answers.append((status, body if body is not None else {}, delay))
        return self

    def sent(self, fct: str | None = None) -> list[dict]:
        return [r["params"] for r in self.requests if fct is None or r["params"].get("fct") == fct]

    def start(self):
        self.thread.start()
        return self

    def stop(self):
        self.server.shutdown()
        self.server.server_close()

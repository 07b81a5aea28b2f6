"""A real HTTP server on 127.0.0.1 speaking the OpenAI chat protocol, for tests.

It serves ``/v1/chat/completions`` and ``/v1/models``, records every request body, and can
misbehave on purpose. ``behaviour`` (or the queue ``script``, consumed one request at a time) is:
``plain``, ``json`` (a JSON object matching the requested schema, or ``json_reply``),
``ignore_schema`` (plain text even when a schema is asked), ``no_usage``, ``slow`` (sleeps ``delay`` seconds), ``429`` (with Retry-After, and ``x-should-retry: false``), ``429_retryable``
(Retry-After only, so the client waits and retries), ``500``,
``quota`` (429 insufficient_quota), ``bad_json`` (a 200 whose body is not JSON), ``404_model``, ``401``. Streaming requests get SSE
chunks and, when asked, a final usage chunk.

Faults of the answer itself (streamed or not): ``trickle`` (the answer arrives a few bytes every
``delay`` seconds, so no single read times out), ``cut_stream`` (the stream stops halfway, the
connection closes cleanly), ``no_finish`` (every piece, then ``[DONE]`` but never a
``finish_reason``), ``bad_json_stream`` (SSE whose data is not JSON), ``text_plain`` (a 200
``text/plain`` body), ``huge`` (a ``huge_mb`` MB body), ``close`` (the connection closes after the
headers, mid-answer), ``hang_up`` (the connection closes before any response), ``empty`` (an
empty answer), ``length`` (finish_reason ``length``: cut by the token limit).
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

__all__ = ["FakeOpenAIServer", "closed_port"]


def closed_port() -> int:
    """A loopback port nothing listens on (connection refused)."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _self_signed_context():
    """A server TLS context with a fresh self-signed certificate (what a TLS-inspecting proxy looks
    like to a client that does not trust the proxy's authority)."""
    import datetime as dt
    import ipaddress
    import ssl
    import tempfile

    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "proxy-entreprise.test")])
    now = dt.datetime.now(dt.timezone.utc)
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(x509.SubjectAlternativeName([x509.DNSName("localhost"),
                                                         x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), critical=False)
            .sign(key, hashes.SHA256()))
    folder = tempfile.mkdtemp(prefix="tls-test-")
    cert_path, key_path = f"{folder}/cert.pem", f"{folder}/key.pem"
    with open(cert_path, "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
    with open(key_path, "wb") as f:
        f.write(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                  serialization.NoEncryption()))
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert_path, key_path)
    return ctx


def _instance(schema: dict, defs: dict | None = None):
    """A minimal value satisfying a JSON schema (for the ``json`` behaviour)."""
    defs = defs if defs is not None else schema.get("$defs", {})
    if "$ref" in schema:
        return _instance(defs[schema["$ref"].split("/")[-1]], defs)
    if "anyOf" in schema:
        return _instance(schema["anyOf"][0], defs)
    kind = schema.get("type")
    if kind == "object":
        return {k: _instance(v, defs) for k, v in schema.get("properties", {}).items()}
    if kind == "array":
        return [_instance(schema.get("items", {}), defs)]
    if "enum" in schema:
        return schema["enum"][0]
    return {"integer": 1, "number": 1.5, "boolean": True, "null": None}.get(kind, "texte")


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request, client_address):
        # A client that timed out closes the socket while a slow handler still writes: expected.
        pass


class FakeOpenAIServer:
    """Start with ``with FakeOpenAIServer() as srv:``; ``srv.base_url`` ends in ``/v1``."""

    def __init__(self, models=("modele-test",), expected_key: str | None = None, tls: bool = False):
        self.models = list(models)
        self.expected_key = expected_key
        self.behaviour = "plain"
        self.script: list[str] = []
        self.reply_text: str | None = None
        self.json_reply: dict | None = None
        self.delay = 2.0
        self.huge_mb = 50
        self.requests: list[dict] = []
        self._lock = threading.Lock()
        self._httpd = _QuietServer(("127.0.0.1", 0), self._handler())
        self.tls = tls
        if tls:  # HTTPS with a certificate no client trusts
            self._httpd.socket = _self_signed_context().wrap_socket(self._httpd.socket, server_side=True)
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.05,), daemon=True)

    @property
    def base_url(self) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://127.0.0.1:{self._httpd.server_address[1]}/v1"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()

    def _next_behaviour(self) -> str:
        with self._lock:
            return self.script.pop(0) if self.script else self.behaviour

    def _handler(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep test output clean
                pass

            def _send(self, status, payload, headers=None, raw: bytes | None = None):
                body = raw if raw is not None else json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                self.wfile.write(body)

            def _error(self, status, message, code=None, headers=None):
                self._send(status, {"error": {"message": message, "type": "test", "code": code}}, headers)

            def _authorised(self) -> bool:
                if server.expected_key is None:
                    return True
                if self.headers.get("Authorization") == f"Bearer {server.expected_key}":
                    return True
                self._error(401, "Incorrect API key provided", "invalid_api_key")
                return False

            def do_GET(self):
                with server._lock:
                    server.requests.append({"method": "GET", "path": self.path, "body": "",
                                            "headers": {k.lower(): v for k, v in self.headers.items()}})
                if not self._authorised():
                    return
                if self.path.rstrip("/") != "/v1/models":
                    return self._error(404, "Not found")
                if server.behaviour == "slow":
                    time.sleep(server.delay)
                if server.behaviour == "text_plain":  # a web page or a proxy answering instead of the API
                    body = b"Service en maintenance"
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    return self.wfile.write(body)
                self._send(200, {"object": "list", "data": [
                    {"id": m, "object": "model", "created": 0, "owned_by": "test"} for m in server.models]})

            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                with server._lock:
                    server.requests.append({"method": "POST", "path": self.path, "body": raw,
                                            "headers": {k.lower(): v for k, v in self.headers.items()}})
                if not self._authorised():
                    return
                if self.path.rstrip("/") != "/v1/chat/completions":
                    return self._error(404, "Not found")
                req = json.loads(raw)
                behaviour = server._next_behaviour()
                if behaviour == "slow":
                    time.sleep(server.delay)
                if behaviour in ("429", "429_retryable"):
                    stop = {"x-should-retry": "false"} if behaviour == "429" else {}
                    return self._error(429, "Rate limit reached", "rate_limit_exceeded",
                                       {"Retry-After": "1", **stop})
                if behaviour == "500":
                    return self._error(500, "The server had an error", None, {"x-should-retry": "false"})
                if behaviour == "quota":
                    return self._error(429, "You exceeded your current quota, please check your plan "
                                       "and billing details.", "insufficient_quota", {"x-should-retry": "false"})
                if behaviour == "401":
                    return self._error(401, "Incorrect API key provided", "invalid_api_key")
                if behaviour == "404_model" or req.get("model") not in server.models:
                    return self._error(404, f"The model `{req.get('model')}` does not exist", "model_not_found")
                if behaviour == "bad_json":
                    return self._send(200, None, raw=b'{"id": "chatcmpl-x", "choices": [{"mess')
                if behaviour == "hang_up":
                    self.close_connection = True
                    return self.connection.shutdown(socket.SHUT_RDWR)
                if behaviour == "text_plain":
                    body = "Bonjour, voici la relance demandée.".encode("utf-8")
                    self.send_response(200)
                    self.send_header("Content-Type", "text/plain; charset=utf-8")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    return self.wfile.write(body)
                if behaviour == "huge":
                    return self._huge(req)
                if behaviour == "close":
                    return self._close_mid_answer(req)
                text = "" if behaviour == "empty" else self._text(req, behaviour)
                usage = {"prompt_tokens": max(1, len(raw) // 4), "completion_tokens": max(1, len(text) // 4)}
                usage["total_tokens"] = usage["prompt_tokens"] + usage["completion_tokens"]
                if req.get("stream"):
                    return self._stream(req, text, usage, behaviour)
                finish = "length" if behaviour == "length" else "stop"
                payload = {"id": "chatcmpl-test", "object": "chat.completion", "created": int(time.time()),
                           "model": req["model"], "choices": [{"index": 0, "finish_reason": finish,
                           "message": {"role": "assistant", "content": text}}]}
                if behaviour != "no_usage":
                    payload["usage"] = usage
                if behaviour == "trickle":
                    return self._trickle(json.dumps(payload).encode("utf-8"), "application/json")
                self._send(200, payload)

            def _trickle(self, body: bytes, content_type: str):
                self.send_response(200)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                for i in range(0, len(body), 8):
                    self.wfile.write(body[i:i + 8])
                    self.wfile.flush()
                    time.sleep(server.delay)

            def _huge(self, req):
                filler = "Relance. " * (server.huge_mb * 1024 * 1024 // 9)
                payload = {"id": "chatcmpl-test", "object": "chat.completion", "created": 0, "model": req["model"],
                           "choices": [{"index": 0, "finish_reason": "stop",
                                        "message": {"role": "assistant", "content": filler}}]}
                try:
                    self._send(200, payload)
                except OSError:  # the client stopped reading: expected
                    pass

            def _close_mid_answer(self, req):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream" if req.get("stream") else "application/json")
                if not req.get("stream"):
                    self.send_header("Content-Length", "4000")
                self.end_headers()
                head = {"id": "chatcmpl-test", "object": "chat.completion.chunk", "created": 0, "model": req["model"],
                        "choices": [{"index": 0, "delta": {"content": "Bonjour, merci de"}, "finish_reason": None}]}
                self.wfile.write((f"data: {json.dumps(head)}\n\n" if req.get("stream")
                                  else '{"id": "chatcmpl-test", "choices": [{"message": {"content": "Bonj').encode())
                self.wfile.flush()
                self.close_connection = True
                self.connection.shutdown(socket.SHUT_RDWR)

            def _text(self, req, behaviour) -> str:
                fmt = req.get("response_format") or {}
                if behaviour == "json" or (fmt.get("type") == "json_schema" and behaviour != "ignore_schema"):
                    if server.json_reply is not None:
                        return json.dumps(server.json_reply, ensure_ascii=False)
                    return json.dumps(_instance(fmt["json_schema"]["schema"]), ensure_ascii=False)
                if server.reply_text is not None:
                    return server.reply_text
                last = req["messages"][-1]["content"]
                return "Réponse de test. Reçu : " + last[:300]

            def _stream(self, req, text, usage, behaviour):
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Cache-Control", "no-cache")
                self.send_header("Connection", "close")
                self.end_headers()
                base = {"id": "chatcmpl-test", "object": "chat.completion.chunk",
                        "created": int(time.time()), "model": req["model"]}
                pieces = [text[i:i + 7] for i in range(0, len(text), 7)]
                if behaviour == "cut_stream":
                    pieces = pieces[:max(1, len(pieces) // 2)]
                for i, piece in enumerate(pieces):
                    delta = {"content": piece} if i else {"role": "assistant", "content": piece}
                    chunk = dict(base, choices=[{"index": 0, "delta": delta, "finish_reason": None}])
                    data = "{not json" if behaviour == "bad_json_stream" else json.dumps(chunk)
                    self.wfile.write(f"data: {data}\n\n".encode("utf-8"))
                    if behaviour == "trickle":
                        self.wfile.flush()
                        time.sleep(server.delay)
                if behaviour == "cut_stream":
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if behaviour != "no_finish":
                    finish = "length" if behaviour == "length" else "stop"
                    end = dict(base, choices=[{"index": 0, "delta": {}, "finish_reason": finish}])
                    self.wfile.write(f"data: {json.dumps(end)}\n\n".encode("utf-8"))
                if (req.get("stream_options") or {}).get("include_usage"):
                    last = dict(base, choices=[], usage=usage)
                    self.wfile.write(f"data: {json.dumps(last)}\n\n".encode("utf-8"))
                self.wfile.write(b"data: [DONE]\n\n")
                self.wfile.flush()
                self.close_connection = True

        return Handler

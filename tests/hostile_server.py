"""A misbehaving HTTP server on 127.0.0.1: raw sockets, one thread per connection, stdlib only.

The first path segment picks the misbehaviour, so a client's base_url selects it:
`http://127.0.0.1:PORT/trickle~0.1` makes every request of that client trickle its body one
byte each 0.1 s. An optional `~ARG` tunes it. Handlers never sleep: they wait on the stop
event, so stopping the server ends every stalled connection at once.

Used by tests/providers/test_hostile*.py (the HTTP core, export, `accounts --check`,
detail fetches, `documents`) and benchmarks/bench_faults.py.
"""

from __future__ import annotations

import contextlib
import itertools
import json
import shutil
import socket
import ssl
import struct
import subprocess
import threading
import zlib
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from urllib.parse import parse_qsl, urlsplit

MIB = 1024 * 1024


@dataclass
class Request:
    method: str
    scenario: str
    arg: str
    path: str  # below the scenario segment, e.g. /v2/invoices
    query: dict[str, str]
    headers: dict[str, str]  # lower-case names

    def number(self, default: float) -> float:
        try:
            return float(self.arg) if self.arg else default
        except ValueError:
            return default


class Conn:
    """One accepted connection, as the handlers see it."""

    def __init__(self, sock: socket.socket, server: HostileServer) -> None:
        self.sock = sock
        self.server = server

    def send(self, data: bytes) -> bool:
        try:
            self.sock.sendall(data)
        except OSError:
            return False
        return True

    def wait(self, seconds: float | None = None) -> bool:
        """Wait (or until the server stops); False once it stops."""
        return not self.server.stopping.wait(seconds)

    def answer(
        self,
        status: int,
        body: bytes = b"",
        headers: dict[str, str] | None = None,
        *,
        reason: str = "X",
    ) -> bool:
        head = {"Content-Length": str(len(body)), **(headers or {})}
        lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in head.items())]
        return self.send(("\r\n".join(lines) + "\r\n\r\n").encode("latin-1") + body)

    def json(self, data: object, status: int = 200, headers: dict[str, str] | None = None) -> bool:
        body = json.dumps(data).encode()
        return self.answer(status, body, {"Content-Type": "application/json", **(headers or {})})


Handler = Callable[[Conn, Request], bool]  # False: close the connection afterwards


@dataclass
class HostileServer:
    """Start with `with HostileServer() as s:`; `s.url("stall")` is a base_url."""

    tls: ssl.SSLContext | None = None
    host: str = "127.0.0.1"
    hits: Counter[str] = field(default_factory=Counter)
    connections: int = 0
    stopping: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self._listener = socket.create_server((self.host, 0))
        self.port = self._listener.getsockname()[1]
        self._lock = threading.Lock()
        self._socks: list[socket.socket] = []
        self._counter = itertools.count(1)
        self._thread = threading.Thread(target=self._accept, daemon=True)

    def url(self, scenario: str) -> str:
        scheme = "https" if self.tls else "http"
        return f"{scheme}://{self.host}:{self.port}/{scenario}"

    def __enter__(self) -> HostileServer:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def stop(self) -> None:
        self.stopping.set()
        self._listener.close()
        with self._lock:
            socks, self._socks = self._socks, []
        for sock in socks:
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()
        self._thread.join(timeout=5)

    def next_id(self) -> int:
        return next(self._counter)

    # ------------------------------------------------------------------ plumbing

    def _accept(self) -> None:
        self._listener.settimeout(0.05)  # closing a socket does not wake accept(): poll
        while not self.stopping.is_set():
            try:
                sock, _ = self._listener.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            sock.settimeout(None)
            with self._lock:
                self.connections += 1
                self._socks.append(sock)
            threading.Thread(target=self._serve, args=(sock,), daemon=True).start()

    def _serve(self, raw: socket.socket) -> None:
        sock = raw
        try:
            if self.tls is not None:
                sock = self.tls.wrap_socket(raw, server_side=True)
                with self._lock:
                    self._socks.append(sock)
            conn = Conn(sock, self)
            while not self.stopping.is_set():
                request = _read_request(sock)
                if request is None:
                    return
                with self._lock:
                    self.hits[request.scenario] += 1
                handler = SCENARIOS.get(request.scenario, _unknown)
                if not handler(conn, request):
                    return
        except (OSError, ssl.SSLError):
            return  # the client hung up, refused our certificate, or the server stopped
        finally:
            with contextlib.suppress(OSError):
                sock.close()


def _read_request(sock: socket.socket) -> Request | None:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            return None
        data += chunk
        if len(data) > 1_000_000:
            return None
    head = data.split(b"\r\n\r\n", 1)[0].decode("latin-1")
    line, *header_lines = head.split("\r\n")
    method, target, _version = line.split(" ", 2)
    headers = {}
    for header in header_lines:
        name, _, value = header.partition(":")
        headers[name.strip().lower()] = value.strip()
    parts = urlsplit(target)
    segment, _, rest = parts.path.lstrip("/").partition("/")
    scenario, _, arg = segment.partition("~")
    query = dict(parse_qsl(parts.query, keep_blank_values=True))
    return Request(method, scenario, arg, "/" + rest, query, headers)


# ---------------------------------------------------------------------- misbehaviours


def _unknown(conn: Conn, request: Request) -> bool:
    return conn.json({"detail": f"no scenario {request.scenario!r}"}, 404)


_EMPTY = json.dumps({"code": 0, "data": {"count": 0, "invoices": []}}).encode() + b" " * 4000
# A small whole PDF (what PdfFile accepts), for the document paths.
PDF = b"%PDF-1.4\n" + b"%" * 4000 + b"\n%%EOF\n"


def trickle(conn: Conn, request: Request, body: bytes = _EMPTY) -> bool:
    """A JSON body announced in full, then sent one byte per ARG seconds (default 1)."""
    interval = request.number(1.0)
    head = f"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: {len(body)}"
    if not conn.send(head.encode() + b"\r\n\r\n"):
        return False
    return all(conn.wait(interval) and conn.send(bytes([byte])) for byte in body)


def trickle_head(conn: Conn, request: Request) -> bool:
    """Even the status line and headers arrive one byte per ARG seconds."""
    interval = request.number(1.0)
    for byte in b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n" + b"X-Pad: " * 1000:
        if not conn.wait(interval) or not conn.send(bytes([byte])):
            return False
    return False


def stall(conn: Conn, request: Request) -> bool:
    """Read the request, then never answer."""
    conn.wait()
    return False


def short_body(conn: Conn, request: Request, start: bytes = b'{"code": 0') -> bool:
    """Content-Length 1000, ten bytes, then silence (ARG=close: hang up instead)."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n"
    conn.send(head + start)
    if request.arg != "close":
        conn.wait()
    return False


_BOMBS: dict[int, bytes] = {}


def gzip_of_spaces(mib: int) -> bytes:
    """gzip of MIB MiB of spaces, ~1000 times smaller, built in milliseconds.

    One MiB is deflated once with a full flush (which resets the compressor, so the same
    input gives the same bytes again) and repeated; the gzip trailer gets the real CRC.
    """
    if mib not in _BOMBS:
        block = b" " * MIB
        packer = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
        piece = packer.compress(block) + packer.flush(zlib.Z_FULL_FLUSH)
        end = packer.flush(zlib.Z_FINISH)
        crc = 0
        for _ in range(mib):
            crc = zlib.crc32(block, crc)
        header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
        trailer = struct.pack("<II", crc, (mib * MIB) & 0xFFFFFFFF)
        _BOMBS[mib] = header + piece * mib + end + trailer
    return _BOMBS[mib]


def bomb(conn: Conn, request: Request) -> bool:
    """Content-Encoding: gzip; ARG MiB (default 1024) of spaces once decompressed."""
    body = gzip_of_spaces(int(request.number(1024)))
    headers = {"Content-Type": "application/json", "Content-Encoding": "gzip"}
    return conn.answer(200, body, headers)


def big(conn: Conn, request: Request, start: bytes = b"") -> bool:
    """An endless (or ARG MiB) chunked body of JSON-ish padding, no compression."""
    head = b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
    head += b"Transfer-Encoding: chunked\r\n\r\n"
    if start:
        head += f"{len(start):x}\r\n".encode() + start + b"\r\n"
    if not conn.send(head):
        return False
    chunk = b" " * 65536
    frame = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n"
    limit = int(request.number(0) * MIB / len(chunk)) or None
    for _ in itertools.islice(itertools.count(), limit):
        if conn.server.stopping.is_set() or not conn.send(frame):
            return False
    conn.send(b"0\r\n\r\n")
    return False


def big_declared(conn: Conn, request: Request) -> bool:
    """Content-Length of 100 GiB, then a trickle: the length alone should refuse it."""
    conn.send(b"HTTP/1.1 200 OK\r\nContent-Length: 107374182400\r\n\r\n[")
    conn.wait()
    return False


def redirect(conn: Conn, request: Request) -> bool:
    """ARG=loop: to itself; ARG=host: to another host; default: 302 to /elsewhere."""
    own = f"/{request.scenario}~{request.arg}{request.path}"
    target = {
        "loop": own,
        "host": f"http://127.0.0.2:{conn.server.port}{own}",
    }.get(request.arg, "/elsewhere" + request.path)
    return conn.answer(302 if request.arg != "loop" else 301, b"", {"Location": target})


def too_many(conn: Conn, request: Request) -> bool:
    """429 with Retry-After ARG (default 3600) and an HTML body."""
    wait = request.arg or "3600"
    body = b"<html><body><h1>429 Too Many Requests</h1></body></html>"
    return conn.answer(429, body, {"Retry-After": wait, "Content-Type": "text/html"})


def status(conn: Conn, request: Request) -> bool:
    """An ARG status (default 503) with an HTML body and no Retry-After."""
    body = b"<html><body>upstream trouble</body></html>"
    return conn.answer(int(request.number(503)), body, {"Content-Type": "text/html"})


def echo_token(conn: Conn, request: Request) -> bool:
    """401 (ARG: another status) whose body repeats the credential the client sent."""
    sent = request.headers.get("authorization") or request.headers.get("apikey", "")
    status = int(request.number(401))
    body = {"detail": f"invalid credential {sent!r}", "message": f"bad key {sent}", "code": 80001}
    return conn.json(body, status, {"X-Request-Id": sent})


def ok(conn: Conn, request: Request) -> bool:
    """A well-behaved empty Zilliz/DoiT-ish answer, for the account that works."""
    return conn.json({"code": 0, "data": {"count": 0, "invoices": []}, "invoices": []})


# ---------------------------------------------------------------------- paging that lies


def _doit_invoice(n: int) -> dict[str, object]:
    return {
        "id": f"INV-{n}",
        "status": "PAID",
        "currency": "USD",
        "totalAmount": 10,
        "balanceAmount": 0,
        "invoiceDate": 1_700_000_000_000,
    }


def doit_fresh_tokens(conn: Conn, request: Request) -> bool:
    """Every page: a new pageToken, and the same two invoices."""
    token = f"tok-{conn.server.next_id()}"
    return conn.json({"invoices": [_doit_invoice(1), _doit_invoice(2)], "pageToken": token})


def doit_same_token(conn: Conn, request: Request) -> bool:
    """New invoices on each page, but always the pageToken it sent before."""
    n = conn.server.next_id()
    return conn.json({"invoices": [_doit_invoice(n)], "pageToken": "again"})


def doit_endless(conn: Conn, request: Request) -> bool:
    """Slow but "correct" forever: after ARG s (default 0), a valid page of two invoices
    never sent before, and a pageToken never sent before."""
    if not conn.wait(request.number(0.0)):
        return False
    n = conn.server.next_id()
    invoices = [_doit_invoice(2 * n), _doit_invoice(2 * n + 1)]
    return conn.json({"invoices": invoices, "pageToken": f"tok-{n}"})


def _waldur_invoice(n: int) -> dict[str, object]:
    return {
        "uuid": f"{n:032x}",
        "number": n,
        "state": "paid",
        "year": 2026,
        "month": 1,
        "total": "1.00",
        "price": "1.00",
        "tax": "0.00",
    }


def waldur_cycle(conn: Conn, request: Request) -> bool:
    """Page 1 links to page 2 and page 2 back to page 1; no count."""
    page = int(request.query.get("page", "1"))
    nxt = 2 if page == 1 else 1
    link = f'<http://{conn.server.host}:{conn.server.port}{request.path}?page={nxt}>; rel="next"'
    records = [_waldur_invoice(page * 10 + i) for i in range(2)]
    return conn.json(records, headers={"Link": link})


def waldur_same_records(conn: Conn, request: Request) -> bool:
    """A fresh rel="next" link on every page, always with the same records."""
    page = int(request.query.get("page", "1"))
    link = f'<http://x{request.path}?page={page + 1}>; rel="next"'
    return conn.json([_waldur_invoice(1), _waldur_invoice(2)], headers={"Link": link})


def waldur_count_lies(conn: Conn, request: Request) -> bool:
    """X-Result-Count says ARG (default 3000) records; every page repeats the same two."""
    count = request.arg or "3000"
    return conn.json([_waldur_invoice(1), _waldur_invoice(2)], headers={"X-Result-Count": count})


def _zilliz_invoice(n: int) -> dict[str, object]:
    return {"id": f"inv-{n}", "status": "Paid", "currency": "USD", "amount": 100}


def zilliz_count_lies(conn: Conn, request: Request) -> bool:
    """count says 100000; every currentPage brings the same page of invoices."""
    size = int(request.query.get("pageSize", "100"))
    invoices = [_zilliz_invoice(i) for i in range(size)]
    data = {"count": 100_000, "currentPage": 1, "pageSize": size, "invoices": invoices}
    return conn.json({"code": 0, "data": data})


def palette_cycle(conn: Conn, request: Request) -> bool:
    """The continue token alternates a, b, a, ...; ARG=fresh: new tokens, same invoices."""
    token = request.query.get("continue", "")
    if request.arg == "fresh":
        nxt = f"c{conn.server.next_id()}"
        uids = ["p1", "p2"]
    else:
        nxt = "b" if token == "a" else "a"
        uids = [f"p-{token or 'first'}"]
    invoices = [{"metadata": {"uid": uid}, "spec": {}, "status": {}} for uid in uids]
    return conn.json({"invoices": invoices, "listmeta": {"continue": nxt}})


# ---------------------------------------------------------------------- Palette documents

PALETTE_MONTH = "2026-01"  # the month of the invoices below (documents --period)


def _palette_invoice(uid: str, *, detailed: bool) -> dict[str, object]:
    spec: dict[str, object] = {
        "billingPeriod": {"start": "2026-01-01T00:00:00Z", "end": "2026-01-31T23:59:59Z"},
        "paymentUnit": "usd",
    }
    status: dict[str, object] = {"billableAmount": 12.5, "states": []}
    if detailed:
        spec["plan"] = {"plantype": "PayGo"}
        status["projects"] = []
    metadata = {"uid": uid, "name": f"INV-{uid}", "creationTimestamp": "2026-02-01T00:05:00Z"}
    return {"metadata": metadata, "spec": spec, "status": status}


def _doc_fault(fault: str) -> Handler:
    """The misbehaviour of a document path: those with a body send one that starts as a PDF
    (a body that is plainly not a PDF would fail at its first bytes, not by the fault)."""
    with_pdf: dict[str, Handler] = {
        "ok": lambda conn, _r: conn.answer(200, PDF, {"Content-Type": "application/octet-stream"}),
        "trickle": lambda conn, r: trickle(conn, r, PDF),
        "short": lambda conn, r: short_body(conn, r, PDF[:10]),
        "big": lambda conn, r: big(conn, r, PDF[:9]),
    }
    return with_pdf.get(fault) or SCENARIOS.get(fault, _unknown)


def _palette_paths(conn: Conn, request: Request, faulty: str) -> bool:
    """A Palette tenant "t1" with one invoice of PALETTE_MONTH; the `faulty` paths ("report"
    or "detail") misbehave as ARG says: FAULT[:ITS_ARG], e.g. trickle:0.05 or 429:3600."""
    fault, _, arg = request.arg.partition(":")
    path = request.path
    report = "/report" in path
    detail = not report and path.rstrip("/") != "/v1/tenants/t1/invoices"
    if (faulty == "report" and report) or (faulty == "detail" and detail and fault != "ok"):
        with conn.server._lock:
            conn.server.hits[f"{request.scenario}:{fault}"] += 1
        inner = Request(request.method, fault, arg, path, request.query, request.headers)
        return _doc_fault(fault)(conn, inner)
    if detail:
        return conn.json(_palette_invoice(path.rsplit("/", 1)[-1], detailed=True))
    invoice = _palette_invoice("p1", detailed=faulty == "report")
    return conn.json({"invoices": [invoice], "listmeta": {"continue": "", "count": 1}})


def palette_docs(conn: Conn, request: Request) -> bool:
    """Palette whose list and details answer, and whose PDF reports misbehave (ARG)."""
    return _palette_paths(conn, request, "report")


def palette_details(conn: Conn, request: Request) -> bool:
    """Palette whose list answers with summaries, and whose invoice details misbehave (ARG)."""
    return _palette_paths(conn, request, "detail")


SCENARIOS: dict[str, Handler] = {
    "ok": ok,
    "trickle": trickle,
    "trickle-head": trickle_head,
    "stall": stall,
    "short": short_body,
    "bomb": bomb,
    "big": big,
    "big-declared": big_declared,
    "redirect": redirect,
    "429": too_many,
    "status": status,
    "echo-token": echo_token,
    "doit-fresh-tokens": doit_fresh_tokens,
    "doit-same-token": doit_same_token,
    "doit-endless": doit_endless,
    "waldur-cycle": waldur_cycle,
    "waldur-same-records": waldur_same_records,
    "waldur-count-lies": waldur_count_lies,
    "zilliz-count-lies": zilliz_count_lies,
    "palette-cycle": palette_cycle,
    "palette-docs": palette_docs,
    "palette-details": palette_details,
}


# ---------------------------------------------------------------------- TLS


def self_signed_context(directory: Path) -> ssl.SSLContext | None:
    """A server context with a fresh self-signed certificate, or None without openssl."""
    openssl = shutil.which("openssl")
    if openssl is None:
        return None
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        [
            openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-nodes", "-days", "1", "-subj", "/CN=127.0.0.1",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
        timeout=30,
    )  # fmt: skip
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    return context

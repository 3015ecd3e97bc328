"""HTTP_GET and SSL_GET: each url answers with an expected status (and digest/regex)."""

from __future__ import annotations

import asyncio
import hashlib
import re
import ssl

from pylvs.config.model import UrlCheck
from pylvs.health.base import Checker, CheckResult

MAX_BODY = 1 << 20  # bytes of a response body read for digests and regexes


def _dechunk(body: bytes) -> bytes:
    out = bytearray()
    rest = body
    while rest:
        line, sep, rest = rest.partition(b"\r\n")
        if not sep:
            break
        try:
            size = int(line.split(b";")[0], 16)
        except ValueError:
            break
        if size == 0:
            break
        out += rest[:size]
        rest = rest[size + 2:]
    return bytes(out)


def parse_response(raw: bytes) -> tuple[int, dict[str, str], bytes]:
    """(status code, lower-cased headers, decoded body) of an HTTP/1.x response."""
    head, _, body = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    parts = lines[0].split(None, 2)
    if len(parts) < 2 or not parts[0].startswith(b"HTTP/") or not parts[1].isdigit():
        raise ValueError("not an HTTP response")
    headers: dict[str, str] = {}
    for line in lines[1:]:
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = _dechunk(body)
    return int(parts[1]), headers, body


def judge(url: UrlCheck, status: int, body: bytes) -> str | None:
    """None if the answer is as expected, else why not."""
    if url.status_codes:
        if status not in url.status_codes:
            return f"status {status}"
    elif not 200 <= status <= 299:
        return f"status {status}"
    if url.digest is not None:
        digest = hashlib.md5(body, usedforsecurity=False).hexdigest()
        if digest != url.digest:
            return f"digest {digest} differs"
    if url.regex is not None:
        found = re.search(url.regex, body.decode("utf-8", "replace")) is not None
        if found == url.regex_no_match:
            return "regex matched" if found else "regex not matched"
    return None


class HttpChecker(Checker):
    """GETs every url in turn over one connection each; all must answer as expected."""

    kind = "HTTP_GET"
    use_tls = False

    def time_limit(self) -> float:
        """connect_timeout for each url."""
        return self.cfg.connect_timeout * max(1, len(self.cfg.urls))

    def _tls(self) -> ssl.SSLContext | None:
        if not self.use_tls:
            return None
        ctx = ssl.create_default_context()
        ctx.check_hostname = False  # keepalived does not verify real servers' certificates
        ctx.verify_mode = ssl.CERT_NONE
        return ctx

    async def _get(self, url: UrlCheck) -> tuple[int, bytes]:
        host = url.virtualhost or self.cfg.virtualhost or self.target.host
        reader, writer = await asyncio.wait_for(asyncio.open_connection(
            self.target.host, self.target.port, local_addr=self.target.local_addr(),
            ssl=self._tls(), server_hostname=host if self.use_tls else None,
        ), self.cfg.connect_timeout)
        try:
            writer.write(
                f"GET {url.path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: pylvs-health\r\n"
                "Connection: close\r\n\r\n".encode("latin-1")
            )
            await writer.drain()
            raw = bytearray()
            while len(raw) < MAX_BODY:
                chunk = await reader.read(65536)
                if not chunk:
                    break
                raw += chunk
        finally:
            writer.close()
        status, _headers, body = parse_response(bytes(raw))
        return status, body

    async def attempt(self) -> CheckResult:
        """GET each url; the first unexpected answer fails the check."""
        for url in self.cfg.urls:
            try:
                status, body = await self._get(url)
            except ValueError as exc:
                return CheckResult(False, f"{url.path}: {exc}")
            why = judge(url, status, body)
            if why is not None:
                return CheckResult(False, f"{url.path}: {why}")
        return CheckResult(True, "expected answer")


class SslChecker(HttpChecker):
    """HTTP_GET over TLS."""

    kind = "SSL_GET"
    use_tls = True

"""Each checker against real local servers on 127.0.0.1 (no root needed)."""

from __future__ import annotations

import asyncio
import hashlib
import socket
import struct
from typing import Any

import pytest

from pylvs.config.model import CheckerConfig, RealServer, UrlCheck
from pylvs.core.constants import AF_INET
from pylvs.health.base import Checker, CheckResult, Target
from pylvs.health.dns import build_query
from pylvs.health.misc import interpret_exit
from pylvs.health.registry import make_checker

LOOPBACK = bytes([127, 0, 0, 1])


def _rs(port: int) -> RealServer:
    return RealServer(AF_INET, LOOPBACK, port)


def _check(kind: str, port: int, **kw: Any) -> CheckResult:
    async def go() -> CheckResult:
        checker: Checker = make_checker(CheckerConfig(kind, **kw), _rs(port))
        return await checker.check()
    return asyncio.run(go())


def _free_port(kind: int = socket.SOCK_STREAM) -> int:
    with socket.socket(socket.AF_INET, kind) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def _http_server(status: int, body: bytes, delay: float = 0.0) -> asyncio.Server:
    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        await reader.readuntil(b"\r\n\r\n")
        await asyncio.sleep(delay)
        writer.write(f"HTTP/1.1 {status} X\r\nContent-Length: {len(body)}\r\n\r\n".encode() + body)
        await writer.drain()
        writer.close()
    return await asyncio.start_server(handle, "127.0.0.1", 0)


def test_tcp_check_connects_and_reports_refusal() -> None:
    async def go() -> tuple[CheckResult, CheckResult]:
        server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        ok = await make_checker(CheckerConfig("TCP_CHECK"), _rs(port)).check()
        server.close()
        await server.wait_closed()
        bad = await make_checker(CheckerConfig("TCP_CHECK"), _rs(port)).check()
        return ok, bad
    ok, bad = asyncio.run(go())
    assert ok.ok
    assert not bad.ok and bad.reason == "connection refused"


def test_tcp_check_connect_port_overrides_the_real_server_port() -> None:
    async def go() -> CheckResult:
        server = await asyncio.start_server(lambda r, w: w.close(), "127.0.0.1", 0)
        port = server.sockets[0].getsockname()[1]
        cfg = CheckerConfig("TCP_CHECK", connect_port=port, bindto="127.0.0.1")
        async with server:
            return await make_checker(cfg, _rs(_free_port())).check()
    assert asyncio.run(go()).ok


@pytest.mark.parametrize(("status", "body", "url", "ok", "reason"), [
    (200, b"ok", UrlCheck("/"), True, "expected answer"),
    (503, b"busy", UrlCheck("/"), False, "/: status 503"),
    (301, b"", UrlCheck("/", frozenset({301})), True, "expected answer"),
    (200, b"ok", UrlCheck("/", frozenset({204})), False, "/: status 200"),
    (200, b"hello", UrlCheck("/", digest=hashlib.md5(b"hello").hexdigest()), True, ""),
    (200, b"hellO", UrlCheck("/", digest=hashlib.md5(b"hello").hexdigest()), False, "digest"),
    (200, b"state: ready", UrlCheck("/", regex="ready$"), True, ""),
    (200, b"state: draining", UrlCheck("/", regex="ready$"), False, "regex not matched"),
    (200, b"state: draining", UrlCheck("/", regex="draining", regex_no_match=True), False,
     "regex matched"),
])
def test_http_get_judges_the_answer(status: int, body: bytes, url: UrlCheck, ok: bool,
                                    reason: str) -> None:
    async def go() -> CheckResult:
        server = await _http_server(status, body)
        port = server.sockets[0].getsockname()[1]
        async with server:
            return await make_checker(CheckerConfig("HTTP_GET", urls=(url,)), _rs(port)).check()
    result = asyncio.run(go())
    assert result.ok is ok
    assert reason in result.reason


def test_http_get_slow_server_hits_connect_timeout() -> None:
    async def go() -> CheckResult:
        server = await _http_server(200, b"late", delay=2.0)
        port = server.sockets[0].getsockname()[1]
        cfg = CheckerConfig("HTTP_GET", urls=(UrlCheck("/"),), connect_timeout=0.3)
        async with server:
            return await make_checker(cfg, _rs(port)).check()
    result = asyncio.run(go())
    assert not result.ok and result.reason == "timeout after 0.3s"


def test_udp_check_port_unreachable_and_silence() -> None:
    closed = _free_port(socket.SOCK_DGRAM)
    bad = _check("UDP_CHECK", closed, connect_timeout=0.5, payload=b"x")
    assert not bad.ok and bad.reason == "port unreachable"
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as srv:
        srv.bind(("127.0.0.1", 0))
        port = srv.getsockname()[1]
        assert _check("UDP_CHECK", port, connect_timeout=0.3).ok
        silent = _check("UDP_CHECK", port, connect_timeout=0.3, require_reply=True)
        assert not silent.ok and silent.reason == "no reply"


def test_dns_check_rcode_and_reply() -> None:
    async def go(rcode: int) -> CheckResult:
        loop = asyncio.get_running_loop()

        class Server(asyncio.DatagramProtocol):
            def connection_made(self, transport: Any) -> None:
                self.t = transport

            def datagram_received(self, data: bytes, addr: Any) -> None:
                qid, _flags = struct.unpack_from("!HH", data)
                self.t.sendto(struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, 0, 0, 0)
                              + data[12:], addr)

        transport, _ = await loop.create_datagram_endpoint(Server, local_addr=("127.0.0.1", 0))
        port = transport.get_extra_info("sockname")[1]
        try:
            cfg = CheckerConfig("DNS_CHECK", dns_type="A", dns_name="example.com",
                                connect_timeout=1)
            return await make_checker(cfg, _rs(port)).check()
        finally:
            transport.close()
    assert asyncio.run(go(0)).ok
    refused = asyncio.run(go(5))
    assert not refused.ok and refused.reason == "rcode REFUSED"


def test_dns_query_layout() -> None:
    q = build_query(0x1234, "www.example.com", "AAAA")
    assert q[:12] == bytes.fromhex("123401000001000000000000")
    assert q[12:] == b"\x03www\x07example\x03com\x00\x00\x1c\x00\x01"


def test_misc_check_exit_codes_and_timeout(tmp_path: Any) -> None:
    script = tmp_path / "check.sh"
    script.write_text("#!/bin/sh\nexit \"$1\"\n")
    script.chmod(0o755)
    assert _check("MISC_CHECK", 80, misc_path=f"{script} 0").ok
    assert _check("MISC_CHECK", 80, misc_path=f"{script} 1").reason == "exit 1"
    dyn = _check("MISC_CHECK", 80, misc_path=f"{script} 12", misc_dynamic=True)
    assert dyn.ok and dyn.weight == 10
    assert not _check("MISC_CHECK", 80, misc_path=f"{script} 12").ok
    slow = _check("MISC_CHECK", 80, misc_path="sleep 5", misc_timeout=0.3)
    assert not slow.ok and slow.reason == "script timed out after 0.3s"
    missing = _check("MISC_CHECK", 80, misc_path="/nonexistent/check")
    assert not missing.ok and "cannot run" in missing.reason


def test_misc_exit_convention() -> None:
    assert interpret_exit(0, True) == CheckResult(True, "exit 0")
    assert interpret_exit(1, True).ok is False
    assert interpret_exit(2, True).weight == 0
    assert interpret_exit(255, True).weight == 253
    assert interpret_exit(-9, False).reason == "killed by signal 9"


def test_ping_check_loopback() -> None:
    try:
        socket.socket(socket.AF_INET, socket.SOCK_DGRAM, socket.IPPROTO_ICMP).close()
    except PermissionError:
        try:
            socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP).close()
        except PermissionError:
            pytest.skip("neither datagram nor raw ICMP sockets are allowed here")
    result = _check("PING_CHECK", 0, connect_timeout=2)
    assert result.ok, result.reason


def test_ssl_get_over_tls(tmp_path: Any) -> None:
    import shutil
    import ssl
    import subprocess

    if shutil.which("openssl") is None:
        pytest.skip("openssl is needed to make a test certificate")
    key, cert = tmp_path / "k.pem", tmp_path / "c.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=rs.test", "-keyout", str(key), "-out", str(cert)],
                   check=True, capture_output=True)
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(str(cert), str(key))

    async def go() -> tuple[CheckResult, CheckResult]:
        async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
            await reader.readuntil(b"\r\n\r\n")
            writer.write(b"HTTP/1.1 200 OK\r\nContent-Length: 6\r\n\r\nsecure")
            await writer.drain()
            writer.close()
        server = await asyncio.start_server(handle, "127.0.0.1", 0, ssl=ctx)
        port = server.sockets[0].getsockname()[1]
        url = UrlCheck("/", regex="^secure$")
        async with server:
            tls = await make_checker(CheckerConfig("SSL_GET", urls=(url,)), _rs(port)).check()
            plain = await make_checker(CheckerConfig("HTTP_GET", urls=(url,),
                                                     connect_timeout=1), _rs(port)).check()
        return tls, plain
    tls, plain = asyncio.run(go())
    assert tls.ok, tls.reason
    assert not plain.ok  # plain HTTP to a TLS port gets no HTTP answer


def test_a_checker_that_raises_reports_a_failure() -> None:
    class Broken(Checker):
        async def attempt(self) -> CheckResult:
            raise ValueError("bad label")

    result = asyncio.run(Broken(CheckerConfig("TCP_CHECK"), Target("127.0.0.1", 80)).check())
    assert result == CheckResult(False, "ValueError: bad label")

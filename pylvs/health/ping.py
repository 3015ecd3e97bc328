"""PING_CHECK: the real server answers an ICMP echo request.

An unprivileged datagram ICMP socket is used where ``net.ipv4.ping_group_range``
allows it, a raw socket otherwise (root).
"""

from __future__ import annotations

import asyncio
import os
import socket
import struct

from pylvs.health.base import Checker, CheckResult


def _checksum(data: bytes) -> int:
    if len(data) % 2:
        data += b"\0"
    total: int = sum(struct.unpack(f"!{len(data) // 2}H", data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def echo_request(v6: bool, ident: int, seq: int, payload: bytes) -> bytes:
    """An ICMP (or ICMPv6) echo request."""
    kind = 128 if v6 else 8
    head = struct.pack("!BBHHH", kind, 0, 0, ident, seq)
    csum = 0 if v6 else _checksum(head + payload)  # the kernel sums ICMPv6
    return struct.pack("!BBHHH", kind, 0, csum, ident, seq) + payload


def _open(v6: bool) -> tuple[socket.socket, bool]:
    family = socket.AF_INET6 if v6 else socket.AF_INET
    proto = socket.IPPROTO_ICMPV6 if v6 else socket.IPPROTO_ICMP
    try:
        return socket.socket(family, socket.SOCK_DGRAM, proto), False
    except PermissionError:
        return socket.socket(family, socket.SOCK_RAW, proto), True


class PingChecker(Checker):
    """One echo request; an echo reply with our payload passes."""

    kind = "PING_CHECK"

    async def attempt(self) -> CheckResult:
        """Send one echo request and wait for its reply."""
        v6 = ":" in self.target.host
        sock, raw = _open(v6)
        sock.setblocking(False)
        try:
            if self.target.bind_host:
                sock.bind((self.target.bind_host, 0))
            ident = os.getpid() & 0xFFFF
            payload = os.urandom(16)
            loop = asyncio.get_running_loop()
            await loop.sock_sendto(sock, echo_request(v6, ident, 1, payload),
                                   (self.target.host, 0))
            while True:
                data = await loop.sock_recv(sock, 2048)
                if raw and not v6:
                    data = data[(data[0] & 0x0F) * 4:]
                if len(data) >= 8 and data[0] == (129 if v6 else 0) and data[8:] == payload:
                    return CheckResult(True, "echo reply")
        finally:
            sock.close()

"""DNS_CHECK: the real server answers a query for ``name``/``type`` without an error."""

from __future__ import annotations

import asyncio
import os
import struct

from pylvs.health.base import Checker, CheckResult

QTYPES = {"A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16, "AAAA": 28,
          "SRV": 33}
RCODES = {1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED"}


def build_query(qid: int, name: str, qtype: str) -> bytes:
    """A recursive query for ``name`` of type ``qtype``."""
    labels = [p for p in name.strip(".").split(".") if p]
    qname = b"".join(bytes([len(p)]) + p.encode("idna") for p in labels) + b"\0"
    return struct.pack("!HHHHHH", qid, 0x0100, 1, 0, 0, 0) + qname + struct.pack(
        "!HH", QTYPES.get(qtype.upper(), 6), 1
    )


def judge_reply(qid: int, reply: bytes) -> str | None:
    """None for a good answer to query ``qid``, else why not."""
    if len(reply) < 12:
        return "short reply"
    rid, flags = struct.unpack_from("!HH", reply)
    if rid != qid or not flags & 0x8000:
        return "reply does not match the query"
    rcode = flags & 0xF
    if rcode:
        return f"rcode {RCODES.get(rcode, rcode)}"
    return None


class _Reply(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.got: asyncio.Future[bytes] = asyncio.get_running_loop().create_future()

    def datagram_received(self, data: bytes, addr: object) -> None:
        if not self.got.done():
            self.got.set_result(data)

    def error_received(self, exc: Exception) -> None:
        if not self.got.done():
            self.got.set_exception(exc)


class DnsChecker(Checker):
    """One UDP query; the reply must carry its id and rcode NOERROR."""

    kind = "DNS_CHECK"

    async def attempt(self) -> CheckResult:
        """Query once and judge the reply."""
        qid = int.from_bytes(os.urandom(2), "big")
        loop = asyncio.get_running_loop()
        transport, proto = await loop.create_datagram_endpoint(
            _Reply, remote_addr=(self.target.host, self.target.port),
            local_addr=self.target.local_addr(),
        )
        try:
            transport.sendto(build_query(qid, self.cfg.dns_name, self.cfg.dns_type))
            reply = await proto.got
        finally:
            transport.close()
        why = judge_reply(qid, reply)
        return CheckResult(why is None, why or "answered")

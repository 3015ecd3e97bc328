"""UDP_CHECK: a datagram to the real server draws no ICMP error (or a reply, if required)."""

from __future__ import annotations

import asyncio

from pylvs.health.base import Checker, CheckResult


class _Probe(asyncio.DatagramProtocol):
    def __init__(self) -> None:
        self.done: asyncio.Future[CheckResult] = asyncio.get_running_loop().create_future()

    def datagram_received(self, data: bytes, addr: object) -> None:
        if not self.done.done():
            self.done.set_result(CheckResult(True, f"reply of {len(data)} bytes"))

    def error_received(self, exc: Exception) -> None:
        if not self.done.done():
            reason = "port unreachable" if isinstance(exc, ConnectionRefusedError) else str(exc)
            self.done.set_result(CheckResult(False, reason))


class UdpChecker(Checker):
    """Sends the payload; a port-unreachable error fails, silence passes unless a reply is due."""

    kind = "UDP_CHECK"

    async def attempt(self) -> CheckResult:
        """Send once and wait for a reply or an error until just before the time limit."""
        loop = asyncio.get_running_loop()
        transport, probe = await loop.create_datagram_endpoint(
            _Probe, remote_addr=(self.target.host, self.target.port),
            local_addr=self.target.local_addr(),
        )
        try:
            transport.sendto(self.cfg.payload or b"\0")
            try:
                return await asyncio.wait_for(
                    asyncio.shield(probe.done), self.cfg.connect_timeout * 0.9
                )
            except TimeoutError:
                if self.cfg.require_reply:
                    return CheckResult(False, "no reply")
                return CheckResult(True, "no error")
        finally:
            transport.close()

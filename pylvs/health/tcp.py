"""TCP_CHECK: the real server accepts a TCP connection."""

from __future__ import annotations

import asyncio
import socket

from pylvs.health.base import Checker, CheckResult


class TcpChecker(Checker):
    """Connects to the target and closes the connection at once (no stream machinery)."""

    kind = "TCP_CHECK"

    async def attempt(self) -> CheckResult:
        """Open and close one connection."""
        sock = socket.socket(self.target.family, socket.SOCK_STREAM)
        try:
            sock.setblocking(False)
            local = self.target.local_addr()
            if local is not None:
                sock.bind(local)
            await asyncio.get_running_loop().sock_connect(
                sock, (self.target.host, self.target.port)
            )
        finally:
            sock.close()
        return CheckResult(True, "connected")

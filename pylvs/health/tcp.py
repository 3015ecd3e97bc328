"""TCP_CHECK: the real server accepts a TCP connection."""

from __future__ import annotations

import asyncio
import contextlib

from pylvs.health.base import Checker, CheckResult


class TcpChecker(Checker):
    """Connects to the target and closes the connection at once."""

    kind = "TCP_CHECK"

    async def attempt(self) -> CheckResult:
        """Open and close one connection."""
        _reader, writer = await asyncio.open_connection(
            self.target.host, self.target.port, local_addr=self.target.local_addr()
        )
        writer.close()
        with contextlib.suppress(OSError):
            await writer.wait_closed()
        return CheckResult(True, "connected")

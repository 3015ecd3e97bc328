"""The interface every checker implements, and what a check returns."""

from __future__ import annotations

import asyncio
import errno
import ipaddress
from abc import ABC, abstractmethod
from dataclasses import dataclass

from pylvs.config.addresses import addr_text
from pylvs.config.model import CheckerConfig, RealServer


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check's outcome; ``weight`` is set by checkers that choose it (misc_dynamic)."""

    ok: bool
    reason: str
    weight: int | None = None


@dataclass(frozen=True, slots=True)
class Target:
    """Where a checker connects: ``connect_ip``/``connect_port`` or the real server's own."""

    host: str
    port: int
    bind_host: str | None = None
    bind_port: int | None = None

    @property
    def family(self) -> int:
        """socket.AF_INET or AF_INET6 of the host."""
        import socket

        return socket.AF_INET6 if ipaddress.ip_address(self.host).version == 6 else socket.AF_INET

    def label(self) -> str:
        """``host:port`` for messages."""
        return f"[{self.host}]:{self.port}" if ":" in self.host else f"{self.host}:{self.port}"

    def local_addr(self) -> tuple[str, int] | None:
        """The (address, port) to bind to, if configured."""
        if self.bind_host is None and self.bind_port is None:
            return None
        return (self.bind_host or ("::" if ":" in self.host else "0.0.0.0"), self.bind_port or 0)


def target_of(cfg: CheckerConfig, rs: RealServer) -> Target:
    """The address a checker of ``rs`` talks to."""
    host = cfg.connect_ip or addr_text(rs.af, rs.addr)
    port = cfg.connect_port if cfg.connect_port is not None else rs.port
    return Target(host, port, cfg.bindto, cfg.bind_port)


def os_reason(exc: BaseException) -> str:
    """A short reason for a failed network operation."""
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "timeout"
    if isinstance(exc, ConnectionRefusedError):
        return "connection refused"
    if isinstance(exc, ConnectionResetError):
        return "connection reset"
    if isinstance(exc, OSError) and exc.errno is not None:
        return exc.strerror or errno.errorcode.get(exc.errno, str(exc.errno))
    return str(exc) or exc.__class__.__name__


class Checker(ABC):
    """One configured check of one real server; :meth:`check` runs a single attempt."""

    kind = "CHECK"

    def __init__(self, cfg: CheckerConfig, target: Target) -> None:
        self.cfg = cfg
        self.target = target

    @abstractmethod
    async def attempt(self) -> CheckResult:
        """One attempt, without a time limit of its own."""

    def time_limit(self) -> float:
        """How long one attempt may take in all."""
        return self.cfg.connect_timeout

    async def check(self) -> CheckResult:
        """One attempt, bounded by :meth:`time_limit`; never raises (but for cancellation)."""
        try:
            return await asyncio.wait_for(self.attempt(), self.time_limit())
        except TimeoutError:
            return CheckResult(False, f"timeout after {self.time_limit():g}s")
        except OSError as exc:
            return CheckResult(False, os_reason(exc))
        except Exception as exc:  # a checker's bug or odd input must not end its loop
            return CheckResult(False, f"{exc.__class__.__name__}: {exc}")

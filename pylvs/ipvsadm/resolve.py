"""Name resolution as ipvsadm does it: hosts (IPv4 forward, both reverse) and services.

This is the only part of ``pylvs.ipvsadm`` that may touch the system; everything
else takes a :class:`Resolver`, so tests can pass a fixed one.
"""

from __future__ import annotations

import socket
from dataclasses import dataclass, field
from typing import Protocol

from pylvs.core.constants import AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP

PROTO_DB_NAMES = {IPPROTO_TCP: "tcp", IPPROTO_UDP: "udp", IPPROTO_SCTP: "sctp"}


class Resolver(Protocol):
    """Host and service name look-ups (``gethostbyname`` and friends)."""

    def host_v4(self, name: str) -> bytes | None:
        """First IPv4 address of host ``name`` (4 bytes), or None."""
        ...

    def host_name(self, af: int, addr: bytes) -> str | None:
        """Host name of ``addr`` by reverse look-up, or None."""
        ...

    def port(self, name: str, protocol: int) -> int | None:
        """Port of service ``name`` for ``protocol``, or None."""
        ...

    def port_name(self, port: int, protocol: int) -> str | None:
        """Service name of ``port`` for ``protocol``, or None."""
        ...


class SystemResolver:
    """The C library's hosts and services databases, through :mod:`socket`."""

    def host_v4(self, name: str) -> bytes | None:
        """First IPv4 address of host ``name`` (4 bytes), or None."""
        try:
            return socket.inet_aton(socket.gethostbyname(name))
        except (OSError, UnicodeError, ValueError):
            return None

    def host_name(self, af: int, addr: bytes) -> str | None:
        """Host name of ``addr`` by reverse look-up, or None."""
        family = socket.AF_INET6 if af == AF_INET6 else socket.AF_INET
        try:
            return socket.gethostbyaddr(socket.inet_ntop(family, addr))[0]
        except (OSError, UnicodeError, ValueError):
            return None

    def port(self, name: str, protocol: int) -> int | None:
        """Port of service ``name`` for ``protocol``, or None."""
        proto = PROTO_DB_NAMES.get(protocol)
        if proto is None:
            return None
        try:
            return socket.getservbyname(name, proto)
        except (OSError, UnicodeError, ValueError):
            return None

    def port_name(self, port: int, protocol: int) -> str | None:
        """Service name of ``port`` for ``protocol``, or None."""
        proto = PROTO_DB_NAMES.get(protocol)
        if proto is None or not 0 <= port <= 65535:
            return None
        try:
            return socket.getservbyport(port, proto)
        except (OSError, OverflowError, ValueError):
            return None


@dataclass
class StaticResolver:
    """Fixed hosts and services tables (for tests and reproducible output).

    ``hosts`` maps names to IPv4 addresses (forward look-ups), ``names`` maps
    addresses of either family to their host name (reverse look-ups), and
    ``services`` maps (name, protocol) to a port; ``fallback`` answers the
    service look-ups ``services`` does not know.
    """

    hosts: dict[str, bytes] = field(default_factory=dict)
    names: dict[bytes, str] = field(default_factory=dict)
    services: dict[tuple[str, int], int] = field(default_factory=dict)
    fallback: Resolver | None = None

    def host_v4(self, name: str) -> bytes | None:
        """First IPv4 address of host ``name`` (4 bytes), or None."""
        addr = self.hosts.get(name)
        return addr if addr is not None and len(addr) == 4 else None

    def host_name(self, af: int, addr: bytes) -> str | None:
        """Host name of ``addr`` by reverse look-up, or None."""
        return self.names.get(addr)

    def port(self, name: str, protocol: int) -> int | None:
        """Port of service ``name`` for ``protocol``, or None."""
        port = self.services.get((name, protocol))
        if port is None and self.fallback is not None:
            return self.fallback.port(name, protocol)
        return port

    def port_name(self, port: int, protocol: int) -> str | None:
        """Service name of ``port`` for ``protocol``, or None."""
        for (name, proto), p in self.services.items():
            if p == port and proto == protocol:
                return name
        return self.fallback.port_name(port, protocol) if self.fallback is not None else None

"""Addresses and ports in configuration files: parsing and printing."""

from __future__ import annotations

import ipaddress
from typing import TYPE_CHECKING

from pylvs.config.tree import Word
from pylvs.core.constants import AF_INET, AF_INET6, IPPROTO_SCTP, IPPROTO_TCP, IPPROTO_UDP

if TYPE_CHECKING:
    from pylvs.config.model import VirtualServer

PROTOCOLS = {"TCP": IPPROTO_TCP, "UDP": IPPROTO_UDP, "SCTP": IPPROTO_SCTP}
_PROTO_NAMES = {v: k for k, v in PROTOCOLS.items()}


def parse_addr(word: Word) -> tuple[int, bytes]:
    """An IPv4/IPv6 literal -> (af, packed address)."""
    try:
        ip = ipaddress.ip_address(word.text.strip("[]"))
    except ValueError:
        raise word.pos.error(f"invalid IP address {word.text!r}") from None
    return (AF_INET6 if ip.version == 6 else AF_INET), ip.packed


def parse_port(word: Word) -> int:
    """A port number 0..65535."""
    try:
        port = int(word.text, 10)
    except ValueError:
        raise word.pos.error(f"invalid port {word.text!r}") from None
    if not 0 <= port <= 65535:
        raise word.pos.error(f"port {port} out of range 0..65535")
    return port


def addr_text(af: int, addr: bytes) -> str:
    """Packed address -> text."""
    return str(ipaddress.IPv6Address(addr) if af == AF_INET6 else ipaddress.IPv4Address(addr))


def addr_port_text(af: int, addr: bytes, port: int) -> str:
    """``1.2.3.4:80`` / ``[2001:db8::1]:80``."""
    text = addr_text(af, addr)
    return f"[{text}]:{port}" if af == AF_INET6 else f"{text}:{port}"


def service_label(vs: VirtualServer) -> str:
    """``TCP 198.18.0.150:80`` or ``FWM 1`` (``FWM 1 IPv6``)."""
    if vs.fwmark:
        return f"FWM {vs.fwmark}" + (" IPv6" if vs.af == AF_INET6 else "")
    proto = _PROTO_NAMES.get(vs.protocol, str(vs.protocol))
    return f"{proto} {addr_port_text(vs.af, vs.addr, vs.port)}"

"""Persistence templates: which key a client's template has, and whether it still holds.

A persistent service keeps one template per (client network, virtual
service) in the connection table; while it lives, new connections of that
client go to the template's destination without asking the scheduler.

Notes where the kernel (checked with the oracle, ``tests/golden/conn/``)
differs from the behaviour reference:

* A template's timer restarts with the template's *current* timeout when it is
  reused. Once it has run out while still controlling a connection, that
  timeout is 60 s for good, so later reuse re-arms it for 60 s, not for the
  persistence timeout (reference §7.2 step 5 says "full persistence timeout").
* Templates are listed with state ``NONE`` or ``ASSURED`` whatever their
  protocol (UDP templates too); an invalidated template keeps its state and
  expiry and shows virtual and destination port 65535.
"""

from __future__ import annotations

from typing import Final

from pylvs.core.conn import Conn, ConnTable, pack_key
from pylvs.core.constants import AF_INET6, DEST_F_AVAILABLE
from pylvs.core.model import Service
from pylvs.core.sysctl import Sysctls

FTP_PORT: Final = 21


def client_net(af: int, saddr: bytes, netmask: int) -> bytes:
    """``saddr`` masked with the service netmask (IPv4: 32-bit mask; IPv6: prefix length)."""
    if af == AF_INET6:
        bits = max(0, min(128, netmask))
        mask = ((1 << 128) - 1) ^ ((1 << (128 - bits)) - 1)
        return (int.from_bytes(saddr) & mask).to_bytes(16)
    return (int.from_bytes(saddr) & netmask & 0xFFFFFFFF).to_bytes(4)


def template_key(svc: Service, protocol: int, saddr: bytes, daddr: bytes, dport: int) -> int:
    """The key of the template of a client of persistent ``svc`` (§7.1).

    Normal: (protocol, client net, 0, vaddr, vport), vport 0 for FTP (port 21).
    A packet whose port differs from the service's (fwmark or port-0 services):
    fwmark -> (0, client net, 0, mark as an address, 0); port 0 ->
    (protocol, client net, 0, vaddr, 0).
    """
    snet = client_net(svc.af, saddr, svc.netmask)
    vport = 0
    vaddr = daddr
    if dport == svc.port:
        if svc.port != FTP_PORT:
            vport = dport
    elif svc.fwmark:
        protocol = 0
        vaddr = svc.fwmark.to_bytes(4) + bytes(len(daddr) - 4)
    return pack_key(svc.af, protocol, snet, 0, vaddr, vport)


def check_template(table: ConnTable, key: int, sysctls: Sysctls) -> Conn | None:
    """The valid template under ``key``, or None; an invalid one is made unmatchable (§7.3)."""
    tpl = table.templates.get(key)
    if tpl is None:
        return None
    dest = tpl.dest
    if (
        dest is None
        or not dest.flags & DEST_F_AVAILABLE
        or (sysctls.expire_quiescent_template and dest.weight == 0)
    ):
        table.invalidate_template(tpl)
        return None
    return tpl

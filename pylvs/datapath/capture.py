"""What the datapath takes from the wire, derived from the IPVS table.

One :class:`CaptureSpec` drives both the socket filter (``bpf``) and the
nftables rules that drop the kernel's own copy (``nft``), so the two always
agree on what the datapath handles.
"""

from __future__ import annotations

from dataclasses import dataclass

from pylvs.core.constants import FwdMethod
from pylvs.core.ipvs import IPVS
from pylvs.core.model import Dest

ANY_PORT = 0


@dataclass(frozen=True, slots=True)
class Match:
    """One (family, address, protocol, port) a rule matches; port 0 means every port."""

    af: int
    addr: bytes
    protocol: int
    port: int


@dataclass(frozen=True, slots=True)
class CaptureSpec:
    """Traffic of the virtual services: towards a VIP, and NAT replies from a real server."""

    to_vip: frozenset[Match]  # daddr/dport of client packets
    from_nat_rs: frozenset[Match]  # saddr/sport of NAT replies
    fwmark_services: int = 0  # fwmark services cannot be captured before netfilter marks

    @property
    def vip_addrs(self) -> frozenset[tuple[int, bytes]]:
        """The (family, address) of every VIP."""
        return frozenset((m.af, m.addr) for m in self.to_vip)

    @property
    def nat_addrs(self) -> frozenset[tuple[int, bytes]]:
        """The (family, address) of every NAT real server."""
        return frozenset((m.af, m.addr) for m in self.from_nat_rs)


def _nat_match(dest: Dest, protocol: int) -> Match | None:
    if dest.fwd_method != FwdMethod.MASQ:
        return None
    return Match(dest.af, dest.addr, protocol, dest.port)


def capture_spec(ipvs: IPVS) -> CaptureSpec:
    """The capture spec of the current table (trashed NAT dests still get their replies)."""
    to_vip: set[Match] = set()
    from_rs: set[Match] = set()
    fwmarks = 0
    for svc in ipvs.services.values():
        if svc.fwmark:
            fwmarks += 1
            continue
        to_vip.add(Match(svc.af, svc.addr, svc.protocol, svc.port))
        for dest in svc.dests:
            m = _nat_match(dest, svc.protocol)
            if m is not None:
                from_rs.add(m)
    for dest in ipvs.trash:
        owner = dest.svc
        if owner is not None and not owner.fwmark:
            m = _nat_match(dest, owner.protocol)
            if m is not None:
                from_rs.add(m)
    return CaptureSpec(frozenset(to_vip), frozenset(from_rs), fwmarks)

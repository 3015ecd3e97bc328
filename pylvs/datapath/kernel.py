"""The kernel's view of links, routes and neighbours (netlink through pyroute2)."""

from __future__ import annotations

import contextlib
import socket
from dataclasses import dataclass

from pyroute2 import IPRoute  # type: ignore[import-untyped]
from pyroute2.netlink.exceptions import NetlinkError  # type: ignore[import-untyped]

from pylvs.core.constants import AF_INET6

NUD_INCOMPLETE = 0x01
NUD_REACHABLE = 0x02
NUD_STALE = 0x04
NUD_DELAY = 0x08
NUD_PROBE = 0x10
NUD_FAILED = 0x20
NUD_NOARP = 0x40
NUD_PERMANENT = 0x80
NUD_VALID = NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_NOARP | NUD_PERMANENT

DISCARD_PORT = 9  # a probe datagram to it makes the kernel resolve the neighbour


@dataclass(frozen=True, slots=True)
class Link:
    """An interface: its index, name and MAC address."""

    index: int
    name: str
    mac: bytes


@dataclass(frozen=True, slots=True)
class Egress:
    """Where a packet to some address leaves: interface and next hop (family, address)."""

    ifindex: int
    nh_af: int
    nh_addr: bytes


def mac_bytes(text: str) -> bytes:
    """``aa:bb:cc:dd:ee:ff`` -> 6 bytes."""
    return bytes.fromhex(text.replace(":", ""))


class KernelNet:
    """Link, route and neighbour queries plus neighbour probes, in the current namespace."""

    def __init__(self) -> None:
        self.ipr = IPRoute()
        self._probe4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._probe4.setblocking(False)
        self._probe6: socket.socket | None = None

    def close(self) -> None:
        """Release the netlink and probe sockets."""
        self.ipr.close()
        self._probe4.close()
        if self._probe6 is not None:
            self._probe6.close()

    def link(self, name: str | None = None, index: int | None = None) -> Link:
        """The link with that name or index; LookupError when there is none."""
        try:
            if index is None:
                found = self.ipr.link_lookup(ifname=name)
                if not found:
                    raise LookupError(f"no interface named {name!r}")
                index = int(found[0])
            msg = self.ipr.link("get", index=index)[0]
        except NetlinkError as exc:
            raise LookupError(f"no interface {name or index!r}: {exc}") from exc
        addr = msg.get_attr("IFLA_ADDRESS") or "00:00:00:00:00:00"
        return Link(index, str(msg.get_attr("IFLA_IFNAME")), mac_bytes(addr))

    def route(self, af: int, addr: bytes) -> Egress | None:
        """The egress interface and next hop towards ``addr`` (None when unroutable)."""
        dst = socket.inet_ntop(af, addr)
        try:
            msg = self.ipr.route("get", dst=dst)[0]
        except NetlinkError:
            return None
        oif = msg.get_attr("RTA_OIF")
        if oif is None:
            return None
        gw = msg.get_attr("RTA_GATEWAY")
        if gw is None:
            return Egress(int(oif), af, addr)
        via = msg.get_attr("RTA_VIA")
        if via is not None:  # pragma: no cover - IPv4 over an IPv6 next hop
            return None
        return Egress(int(oif), af, socket.inet_pton(af, gw))

    def neighbour(self, ifindex: int, af: int, addr: bytes) -> tuple[bytes | None, int]:
        """The neighbour's MAC (None unless the entry holds a usable one) and its NUD state."""
        try:
            msg = self.ipr.neigh("get", dst=socket.inet_ntop(af, addr), ifindex=ifindex)[0]
        except NetlinkError:
            return None, 0
        state = int(msg["state"])
        lladdr = msg.get_attr("NDA_LLADDR")
        if lladdr is None or not state & NUD_VALID:
            return None, state
        return mac_bytes(lladdr), state

    def probe(self, af: int, addr: bytes) -> None:
        """Make the kernel (re)resolve ``addr``: a datagram to its discard port."""
        if af == AF_INET6:
            if self._probe6 is None:
                self._probe6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                self._probe6.setblocking(False)
            sock = self._probe6
        else:
            sock = self._probe4
        with contextlib.suppress(OSError):
            sock.sendto(b"", (socket.inet_ntop(af, addr), DISCARD_PORT))

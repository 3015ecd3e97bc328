"""The kernel's view of links, routes and neighbours (netlink through pyroute2)."""

from __future__ import annotations

import contextlib
import socket
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from pyroute2 import IPRoute  # type: ignore[import-untyped]

from pylvs.core.constants import AF_INET6
from pylvs.datapath.regions import RouteTable, prefix

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
NTF_USE = 0x01  # neighbour flag: "use" the entry, which starts resolution
LINK_TTL = 5.0  # seconds a link's MTU is trusted without a netlink notification


class NetlinkFailure(OSError):
    """A netlink query or update failed (the text says how)."""


@dataclass(frozen=True, slots=True)
class Link:
    """An interface: its index, name, MAC address, MTU and kind ("veth", "" for a NIC)."""

    index: int
    name: str
    mac: bytes
    mtu: int = 1500
    kind: str = ""


@dataclass(frozen=True, slots=True)
class Egress:
    """Where a packet to some address leaves: interface, next hop, source address, MTU."""

    ifindex: int
    nh_af: int
    nh_addr: bytes
    src: bytes = b""  # this host's preferred source address on that route
    mtu: int = 0  # the egress link's MTU (0: unknown)
    gateway: bool = False  # the next hop is a gateway (else the destination itself)


def mac_bytes(text: str) -> bytes:
    """``aa:bb:cc:dd:ee:ff`` -> 6 bytes."""
    return bytes.fromhex(text.replace(":", ""))


class KernelNet:
    """Link, route and neighbour queries plus neighbour probes, in the current namespace.

    pyroute2's synchronous API runs its own asyncio loop, which cannot run in
    the daemon's loop thread: the netlink socket lives in one helper thread and
    each query waits for it there (queries only happen on cache misses). The
    helper thread never touches the IPVS table.
    """

    def __init__(self) -> None:
        self._pool = ThreadPoolExecutor(1, thread_name_prefix="pylvs-netlink")
        self.ipr = self._pool.submit(IPRoute).result()
        self._probe4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        self._probe4.setblocking(False)
        self._probe6: socket.socket | None = None
        self._mtus: dict[int, tuple[int, float]] = {}  # ifindex -> (MTU, monotonic expiry)

    def forget(self) -> None:
        """Drop cached link facts (MTUs): a link may have changed."""
        self._mtus.clear()

    def _mtu(self, ifindex: int) -> int | None:
        """The link's MTU, cached for LINK_TTL seconds (None: no such link)."""
        now = time.monotonic()
        cached = self._mtus.get(ifindex)
        if cached is not None and now < cached[1]:
            return cached[0]
        try:
            mtu = self.link(index=ifindex).mtu
        except LookupError:
            return None
        self._mtus[ifindex] = (mtu, now + LINK_TTL)
        return mtu

    def _call(self, fn: Callable[..., Any], *args: Any, **kw: Any) -> Any:
        """Run ``fn`` in the netlink thread; its failure comes back as a fresh NetlinkFailure.

        pyroute2 keeps its exceptions; one raised through the caller's frames
        would keep those frames (and the packet buffers they hold) alive.
        """
        def run() -> tuple[Any, str | None]:
            try:
                return fn(*args, **kw), None
            except Exception as exc:
                return None, f"{type(exc).__name__}: {exc}"

        result, error = self._pool.submit(run).result()
        if error is not None:
            raise NetlinkFailure(error)
        return result

    def close(self) -> None:
        """Release the netlink and probe sockets and the helper thread."""
        with contextlib.suppress(Exception):
            self._call(self.ipr.close)
        self._pool.shutdown(wait=True)
        self._probe4.close()
        if self._probe6 is not None:
            self._probe6.close()

    def link(self, name: str | None = None, index: int | None = None) -> Link:
        """The link with that name or index; LookupError when there is none."""
        try:
            if index is None:
                found = self._call(self.ipr.link_lookup, ifname=name)
                if not found:
                    raise LookupError(f"no interface named {name!r}")
                index = int(found[0])
            msg = self._call(self.ipr.link, "get", index=index)[0]
        except NetlinkFailure as exc:
            raise LookupError(f"no interface {name or index!r}: {exc}") from exc
        addr = msg.get_attr("IFLA_ADDRESS") or "00:00:00:00:00:00"
        mtu = int(msg.get_attr("IFLA_MTU") or 0)
        info = msg.get_attr("IFLA_LINKINFO")
        kind = str(info.get_attr("IFLA_INFO_KIND") or "") if info is not None else ""
        return Link(index, str(msg.get_attr("IFLA_IFNAME")), mac_bytes(addr), mtu, kind)

    def route(self, af: int, addr: bytes) -> Egress | None:
        """The egress interface and next hop towards ``addr`` (None when unroutable)."""
        dst = socket.inet_ntop(af, addr)
        try:
            msg = self._call(self.ipr.route, "get", dst=dst)[0]
        except NetlinkFailure:
            return None
        oif = msg.get_attr("RTA_OIF")
        if oif is None or msg.get_attr("RTA_VIA") is not None:  # no IPv6 next hop for IPv4
            return None
        oif = int(oif)
        pref = msg.get_attr("RTA_PREFSRC")
        src = socket.inet_pton(af, pref) if pref else b""
        mtu = self._mtu(oif)
        if mtu is None:
            return None
        gw = msg.get_attr("RTA_GATEWAY")
        nh = addr if gw is None else socket.inet_pton(af, gw)
        return Egress(oif, af, nh, src, mtu, gateway=gw is not None)

    def route_table(self, af: int) -> RouteTable | None:
        """Every route and rule destination prefix of family ``af`` (None: cannot tell)."""
        try:
            routes = self._call(self.ipr.route, "dump", family=af)
            rules = self._call(self.ipr.get_rules, family=af)
        except NetlinkFailure:
            return None
        size = 16 if af == AF_INET6 else 4
        prefixes: set[tuple[int, int]] = set()
        multipath: set[tuple[int, int]] = set()
        for msg, attr in [(m, "RTA_DST") for m in routes] + [(m, "FRA_DST") for m in rules]:
            dst = msg.get_attr(attr)
            net = socket.inet_pton(af, dst) if dst else bytes(size)
            p = prefix(net, int(msg["dst_len"]))
            prefixes.add(p)
            if msg.get_attr("RTA_MULTIPATH") or msg.get_attr("RTA_NH_ID"):
                multipath.add(p)
        return RouteTable(8 * size, tuple(sorted(prefixes)), frozenset(multipath))

    def neighbour(self, ifindex: int, af: int, addr: bytes) -> tuple[bytes | None, int]:
        """The neighbour's MAC (None unless the entry holds a usable one) and its NUD state."""
        try:
            msg = self._call(self.ipr.neigh, "get", dst=socket.inet_ntop(af, addr),
                             ifindex=ifindex)[0]
        except NetlinkFailure:
            return None, 0
        state = int(msg["state"])
        lladdr = msg.get_attr("NDA_LLADDR")
        if lladdr is None or not state & NUD_VALID:
            return None, state
        return mac_bytes(lladdr), state

    def probe(self, ifindex: int, af: int, addr: bytes) -> None:
        """Make the kernel (re)resolve ``addr`` on ``ifindex`` (ARP / neighbour solicitation).

        A neighbour update with NTF_USE starts resolution without sending the
        host any traffic; where netlink refuses it, a datagram to the host's
        discard port makes the kernel resolve it instead.
        """
        try:
            self._call(self.ipr.neigh, "replace", dst=socket.inet_ntop(af, addr),
                       ifindex=ifindex, flags=NTF_USE, state=NUD_INCOMPLETE)
            return
        except OSError:
            pass
        if af == AF_INET6:
            if self._probe6 is None:
                self._probe6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
                self._probe6.setblocking(False)
            sock = self._probe6
        else:
            sock = self._probe4
        with contextlib.suppress(OSError):
            sock.sendto(b"", (socket.inet_ntop(af, addr), DISCARD_PORT))

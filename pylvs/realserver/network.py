"""Addresses, routes and links of the current network namespace, through netlink (pyroute2)."""

from __future__ import annotations

import ipaddress
import socket
from dataclasses import dataclass
from typing import Any

from pyroute2 import IPRoute  # type: ignore[import-untyped]
from pyroute2.netlink.exceptions import NetlinkError  # type: ignore[import-untyped]

from pylvs.realserver.errors import RealServerError

#: Main routing table, where ``route add -host VIP dev lo`` puts its route.
MAIN_TABLE = 254

#: ``scope link``, the scope ``route add -host ... dev lo`` gives.
SCOPE_LINK = 253

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


@dataclass(frozen=True, slots=True)
class InterfaceAddress:
    """One address assigned to an interface."""

    interface: str
    address: IPAddress
    prefixlen: int


@dataclass(frozen=True, slots=True)
class Link:
    """One network interface."""

    index: int
    name: str
    up: bool


def host_prefixlen(address: IPAddress) -> int:
    """32 for IPv4, 128 for IPv6: a VIP is a single host."""
    return address.max_prefixlen


def _family(address: IPAddress) -> int:
    return socket.AF_INET if address.version == 4 else socket.AF_INET6


class HostNetwork:
    """Netlink view of this namespace's links, addresses and main-table host routes."""

    def __init__(self) -> None:
        try:
            self._ipr = IPRoute()
        except OSError as exc:
            raise RealServerError(f"cannot open a netlink socket: {exc}") from exc

    def close(self) -> None:
        """Release the netlink socket."""
        self._ipr.close()

    def __enter__(self) -> HostNetwork:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def links(self) -> list[Link]:
        """Every interface of this namespace."""
        found = []
        for msg in self._ipr.get_links():
            up = bool(msg["flags"] & 1)  # IFF_UP
            found.append(Link(msg["index"], str(msg.get_attr("IFLA_IFNAME")), up))
        return found

    def index(self, name: str) -> int:
        """The index of interface ``name``."""
        found = self._ipr.link_lookup(ifname=name)
        if not found:
            raise RealServerError(f"there is no interface {name!r} here")
        return int(found[0])

    def set_up(self, name: str) -> None:
        """Bring interface ``name`` up."""
        self._call("bring up", name, self._ipr.link, "set", index=self.index(name), state="up")

    def set_down(self, name: str) -> None:
        """Bring interface ``name`` down."""
        self._call("bring down", name, self._ipr.link, "set", index=self.index(name), state="down")

    def addresses(self) -> list[InterfaceAddress]:
        """Every address of every interface."""
        names = {link.index: link.name for link in self.links()}
        found = []
        for msg in self._ipr.get_addr():
            raw = msg.get_attr("IFA_LOCAL") or msg.get_attr("IFA_ADDRESS")
            if raw is None:
                continue
            found.append(
                InterfaceAddress(
                    names.get(msg["index"], str(msg["index"])),
                    ipaddress.ip_address(raw),
                    int(msg["prefixlen"]),
                )
            )
        return found

    def add_address(self, interface: str, address: IPAddress, prefixlen: int) -> None:
        """Assign ``address/prefixlen`` to ``interface``."""
        self._address("add", f"add {address}/{prefixlen} to", interface, address, prefixlen)

    def del_address(self, interface: str, address: IPAddress, prefixlen: int) -> None:
        """Remove ``address/prefixlen`` from ``interface``."""
        self._address("del", f"remove {address}/{prefixlen} from", interface, address, prefixlen)

    def _address(
        self, op: str, what: str, interface: str, address: IPAddress, prefixlen: int
    ) -> None:
        self._call(
            what,
            interface,
            self._ipr.addr,
            op,
            index=self.index(interface),
            address=str(address),
            prefixlen=prefixlen,
            family=_family(address),
        )

    def host_route_interface(self, address: IPAddress) -> str | None:
        """The interface of the main-table host route to ``address``, if there is one."""
        names = {link.index: link.name for link in self.links()}
        for msg in self._ipr.get_routes(family=_family(address), table=MAIN_TABLE):
            dst = msg.get_attr("RTA_DST")
            if dst is None or msg["dst_len"] != host_prefixlen(address):
                continue
            if ipaddress.ip_address(dst) == address:
                oif = msg.get_attr("RTA_OIF")
                return names.get(oif, str(oif))
        return None

    def add_host_route(self, address: IPAddress, interface: str) -> None:
        """``route add -host ADDRESS dev INTERFACE``."""
        self._host_route("add", f"add a host route to {address} via", address, interface)

    def del_host_route(self, address: IPAddress, interface: str) -> None:
        """Remove the host route added by :meth:`add_host_route`."""
        self._host_route("del", f"remove the host route to {address} via", address, interface)

    def _host_route(self, op: str, what: str, address: IPAddress, interface: str) -> None:
        self._call(
            what,
            interface,
            self._ipr.route,
            op,
            dst=str(address),
            dst_len=host_prefixlen(address),
            oif=self.index(interface),
            scope=SCOPE_LINK,
            family=_family(address),
            table=MAIN_TABLE,
        )

    def route_interface(self, address: IPAddress) -> str | None:
        """The interface the kernel would send a packet to ``address`` out of (None: no route)."""
        try:
            routes = self._ipr.route("get", dst=str(address), family=_family(address))
        except NetlinkError:
            return None
        names = {link.index: link.name for link in self.links()}
        for msg in routes:
            oif = msg.get_attr("RTA_OIF")
            if oif is not None:
                return names.get(oif, str(oif))
        return None

    @staticmethod
    def _call(what: str, interface: str, method: Any, *args: Any, **kwargs: Any) -> None:
        try:
            method(*args, **kwargs)
        except NetlinkError as exc:
            raise RealServerError(f"cannot {what} {interface}: {exc.args[-1]}") from exc

"""Who is in a lab and with which addresses (DESIGN.md, "The lab"). Pure data, no I/O."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from pylvs.lab.errors import LabError

SEGMENT_PREFIXLEN = 24
CIP = "198.18.0.100"
VIP = "198.18.0.150"
DIP = "198.18.0.151"
FIRST_RIP = 171
MAX_REAL_SERVERS = 20
SWITCH = "switch"
LAN = "br0"  # the client segment's bridge
BACKEND = "br1"  # NAT: the real servers' segment behind the director
MODES = ("dr", "tun", "nat")

#: Ports of each real server: nginx (80, and 8080 for NAT port mapping), and the UDP echo
#: server / TCP byte counter (9000, and 9090 for NAT port mapping).
HTTP_PORTS = (80, 8080)
ECHO_PORTS = (9000, 9090)

# IPv6 (documentation range): the same hosts, same last numbers.
SEGMENT6_PREFIXLEN = 64
CIP6 = "2001:db8::100"
VIP6 = "2001:db8::150"
DIP6 = "2001:db8::151"

# NAT: the director's side of the real servers' segment, and their addresses on it.
NAT_GATEWAY = "198.19.0.1"
NAT_GATEWAY6 = "2001:db8:1::1"


def rip(index: int, mode: str = "dr") -> str:
    """The IPv4 address of real server ``index`` (1-based) in ``mode``."""
    net = "198.19.0" if mode == "nat" else "198.18.0"
    return f"{net}.{FIRST_RIP + index - 1}"


def rip6(index: int, mode: str = "dr") -> str:
    """The IPv6 address of real server ``index`` (1-based) in ``mode``."""
    net = "2001:db8:1::" if mode == "nat" else "2001:db8::"
    return f"{net}{FIRST_RIP + index - 1}"
DEFAULT_PREFIX = "pylvs-"

#: The roles a lab namespace can have: what follows the prefix in its name.
ROLE_PATTERN = re.compile(rf"^(client|director|{SWITCH}|rs[0-9]+)$")

_PREFIX_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,14}$")


@dataclass(frozen=True, slots=True)
class Attachment:
    """One link of a host to a segment: its interface name and its addresses (ADDR/PLEN)."""

    segment: str  # the bridge in the switch namespace
    ifname: str
    addresses: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Host:
    """One namespace of the lab, attached to one segment (two for a NAT director)."""

    role: str
    netns: str
    address: str  # the host's own address (CIP, DIP, RIP)
    links: tuple[Attachment, ...]
    gateway: str | None = None  # default route, for real servers behind a NAT director
    address6: str = ""  # the host's own IPv6 address
    gateway6: str | None = None

    @property
    def is_real_server(self) -> bool:
        """Whether the host runs nginx behind the director."""
        return self.role.startswith("rs")

    def peer_name(self, link: Attachment) -> str:
        """The name of the link's other end, in the switch namespace (unique, <= 15 chars)."""
        return self.role if link.ifname == "eth0" else f"{self.role}-{link.ifname}"


@dataclass(frozen=True, slots=True)
class Topology:
    """The namespaces, segments and addresses of one lab."""

    prefix: str
    mode: str
    segments: tuple[str, ...]
    hosts: tuple[Host, ...] = field(default_factory=tuple)

    @property
    def switch(self) -> str:
        """The namespace holding the segments' bridges."""
        return self.prefix + SWITCH

    @property
    def namespaces(self) -> list[str]:
        """Every namespace of the lab, the switch first."""
        return [self.switch] + [h.netns for h in self.hosts]

    def host(self, role: str) -> Host:
        """The host called ``role`` (``client``, ``director``, ``rs1``...)."""
        for h in self.hosts:
            if h.role == role:
                return h
        names = ", ".join(h.role for h in self.hosts)
        raise LabError(f"no host {role!r} in lab {self.prefix!r} (hosts: {names})")

    @property
    def real_servers(self) -> list[Host]:
        """The real servers, in order."""
        return [h for h in self.hosts if h.is_real_server]


def check_prefix(prefix: str) -> str:
    """Refuse prefixes that cannot make namespace and interface names."""
    if not _PREFIX_PATTERN.match(prefix):
        raise LabError(
            f"bad prefix {prefix!r}: use 1-15 letters, digits, '-', '_' or '.', "
            "starting with a letter or digit"
        )
    return prefix


def build(prefix: str, mode: str = "dr", real_servers: int = 2) -> Topology:
    """The topology for ``mode`` with ``real_servers`` real servers."""
    check_prefix(prefix)
    if mode not in MODES:
        raise LabError(f"unknown mode {mode!r}: use {', '.join(MODES)}")
    if not 1 <= real_servers <= MAX_REAL_SERVERS:
        raise LabError(f"--real-servers must be between 1 and {MAX_REAL_SERVERS}")
    return _build(prefix, mode, real_servers)


def _build(prefix: str, mode: str, real_servers: int) -> Topology:
    """DR and TUN: everybody on one segment, the director also holds the VIPs.

    NAT: the real servers sit on a second segment behind the director (its ``eth1``,
    198.19.0.1 and 2001:db8:1::1), their default gateway.
    """
    def lan(v4: str, v6: str, *extra: str) -> Attachment:
        return Attachment(LAN, "eth0", (f"{v4}/{SEGMENT_PREFIXLEN}",
                                        f"{v6}/{SEGMENT6_PREFIXLEN}", *extra))

    def backend(v4: str, v6: str) -> Attachment:
        return Attachment(BACKEND, "eth0" if v4 != NAT_GATEWAY else "eth1",
                          (f"{v4}/{SEGMENT_PREFIXLEN}", f"{v6}/{SEGMENT6_PREFIXLEN}"))

    director_links: tuple[Attachment, ...] = (lan(DIP, DIP6, f"{VIP}/32", f"{VIP6}/128"),)
    if mode == "nat":
        director_links += (backend(NAT_GATEWAY, NAT_GATEWAY6),)
    hosts = [
        Host("client", prefix + "client", CIP, (lan(CIP, CIP6),), address6=CIP6),
        Host("director", prefix + "director", DIP, director_links, address6=DIP6),
    ]
    for i in range(1, real_servers + 1):
        v4, v6 = rip(i, mode), rip6(i, mode)
        if mode == "nat":
            hosts.append(Host(f"rs{i}", f"{prefix}rs{i}", v4, (backend(v4, v6),),
                              NAT_GATEWAY, v6, NAT_GATEWAY6))
        else:
            hosts.append(Host(f"rs{i}", f"{prefix}rs{i}", v4, (lan(v4, v6),), address6=v6))
    segments = (LAN, BACKEND) if mode == "nat" else (LAN,)
    return Topology(prefix, mode, segments, tuple(hosts))


def lab_namespaces(prefix: str, existing: list[str]) -> list[str]:
    """The namespaces among ``existing`` that belong to the lab ``prefix`` (even half-built)."""
    return [
        ns for ns in existing
        if ns.startswith(prefix) and ROLE_PATTERN.match(ns[len(prefix):])
    ]

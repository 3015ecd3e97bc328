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
MODES = ("dr", "nat")
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
    address: str  # the host's own address on the client segment (CIP, DIP, RIP)
    links: tuple[Attachment, ...]
    gateway: str | None = None  # default route, for real servers behind a NAT director

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
        raise LabError(f"unknown mode {mode!r}: use dr")
    if not 1 <= real_servers <= MAX_REAL_SERVERS:
        raise LabError(f"--real-servers must be between 1 and {MAX_REAL_SERVERS}")
    if mode == "nat":
        # NAT: director eth1 198.19.0.1/24 on a second segment, real servers behind it with
        # their default route via 198.19.0.1 (DESIGN.md, "The lab"). Not built yet.
        raise LabError("--mode nat is not available yet (it needs the second segment); use dr")
    return _dr(prefix, real_servers)


def _dr(prefix: str, real_servers: int) -> Topology:
    """DR (and later TUN): everybody on one segment; the director also holds the VIP."""
    def on_lan(*addresses: str) -> tuple[Attachment, ...]:
        return (Attachment(LAN, "eth0", addresses),)

    hosts = [
        Host("client", prefix + "client", CIP, on_lan(f"{CIP}/{SEGMENT_PREFIXLEN}")),
        Host("director", prefix + "director", DIP,
             on_lan(f"{DIP}/{SEGMENT_PREFIXLEN}", f"{VIP}/32")),
    ]
    for i in range(1, real_servers + 1):
        rip = f"198.18.0.{FIRST_RIP + i - 1}"
        hosts.append(Host(f"rs{i}", f"{prefix}rs{i}", rip, on_lan(f"{rip}/{SEGMENT_PREFIXLEN}")))
    return Topology(prefix, "dr", (LAN,), tuple(hosts))


def lab_namespaces(prefix: str, existing: list[str]) -> list[str]:
    """The namespaces among ``existing`` that belong to the lab ``prefix`` (even half-built)."""
    return [
        ns for ns in existing
        if ns.startswith(prefix) and ROLE_PATTERN.match(ns[len(prefix):])
    ]

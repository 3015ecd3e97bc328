"""The nftables table ``inet pylvs``: drops the kernel's copy of what the datapath handles.

An AF_PACKET socket receives a copy of each frame before netfilter; the
kernel must not also process client packets for a virtual service (it would
answer the VIP's TCP with a reset) nor forward NAT replies un-rewritten. The
table drops exactly the traffic of :class:`CaptureSpec` in prerouting, on the
datapath's interfaces only. ARP is untouched, so the director still answers
ARP for its VIPs; ICMP to the director itself (echo to a VIP, errors about its
own traffic) still reaches the kernel. The table is replaced atomically on every change and
removed at stop; nothing else in the ruleset is touched.
"""

from __future__ import annotations

import ipaddress
import subprocess
from collections.abc import Iterable

from pylvs.core.constants import AF_INET, AF_INET6
from pylvs.datapath.capture import ANY_PORT, CaptureSpec, Match

TABLE = "pylvs"
FAMILY = "inet"
PROTO_NAMES = {6: "tcp", 17: "udp", 132: "sctp"}
ICMP_ERRORS = "destination-unreachable, source-quench, time-exceeded, parameter-problem"
ICMPV6_ERRORS = "destination-unreachable, packet-too-big, time-exceeded, parameter-problem"


class NftError(Exception):
    """nft refused a command (its message is the text)."""


def _addr(af: int, addr: bytes) -> str:
    if af == AF_INET6:
        return str(ipaddress.IPv6Address(addr))
    return str(ipaddress.IPv4Address(addr))


def _proto(protocol: int) -> str:
    return PROTO_NAMES.get(protocol, str(protocol))


def _set(name: str, typ: str, elements: Iterable[str]) -> list[str]:
    elems = sorted(set(elements))
    lines = [f"\tset {name} {{", f"\t\ttype {typ}"]
    if elems:
        lines.append("\t\telements = { " + ", ".join(elems) + " }")
    lines.append("\t}")
    return lines


def _sets(matches: frozenset[Match], af: int, stem: str) -> list[str]:
    ipt = "ipv6_addr" if af == AF_INET6 else "ipv4_addr"
    suffix = "6" if af == AF_INET6 else "4"
    mine = [m for m in matches if m.af == af]
    ports = (f"{_addr(af, m.addr)} . {_proto(m.protocol)} . {m.port}"
             for m in mine if m.port != ANY_PORT)
    anyp = (f"{_addr(af, m.addr)} . {_proto(m.protocol)}" for m in mine if m.port == ANY_PORT)
    addrs = (_addr(af, m.addr) for m in mine)
    return (
        _set(f"{stem}{suffix}", f"{ipt} . inet_proto . inet_service", ports)
        + _set(f"{stem}any{suffix}", f"{ipt} . inet_proto", anyp)
        + _set(f"{stem}addr{suffix}", ipt, addrs)
    )


def render(spec: CaptureSpec, interfaces: list[str]) -> str:
    """The nft script that (re)creates the table atomically for ``spec``."""
    ifaces = ", ".join(f'"{name}"' for name in sorted(interfaces))
    lines = [f"table {FAMILY} {TABLE}", f"delete table {FAMILY} {TABLE}",
             f"table {FAMILY} {TABLE} {{"]
    for af in (AF_INET, AF_INET6):
        lines += _sets(spec.to_vip, af, "vip")
        lines += _sets(spec.from_nat_rs, af, "nat")
    lines += [
        "\tchain prerouting {",
        "\t\ttype filter hook prerouting priority raw; policy accept;",
        f"\t\tiifname != {{ {ifaces} }} accept",
        "\t\tip frag-off & 0x1fff != 0 accept",
        "\t\tip daddr . meta l4proto . th dport @vip4 drop",
        "\t\tip daddr . meta l4proto @vipany4 drop",
        "\t\tip saddr . meta l4proto . th sport @nat4 drop",
        "\t\tip saddr . meta l4proto @natany4 drop",
        f"\t\tip saddr @nataddr4 fib daddr type != local icmp type {{ {ICMP_ERRORS} }} drop",
        "\t\tip6 daddr . meta l4proto . th dport @vip6 drop",
        "\t\tip6 daddr . meta l4proto @vipany6 drop",
        "\t\tip6 saddr . meta l4proto . th sport @nat6 drop",
        "\t\tip6 saddr . meta l4proto @natany6 drop",
        f"\t\tip6 saddr @nataddr6 fib daddr type != local icmpv6 type {{ {ICMPV6_ERRORS} }}"
        " drop",
        "\t}",
        "}",
    ]
    return "\n".join(lines) + "\n"


def _run(script: str, nft: str) -> None:
    try:
        proc = subprocess.run([nft, "-f", "-"], input=script, text=True,
                              capture_output=True, check=False, timeout=30)
    except FileNotFoundError as exc:
        raise NftError(f"{nft} not found: install the Debian package nftables") from exc
    if proc.returncode != 0:
        raise NftError(proc.stderr.strip() or f"nft exited with {proc.returncode}")


class NftTable:
    """The datapath's nftables table in the current network namespace."""

    def __init__(self, interfaces: list[str], nft: str = "nft") -> None:
        self.interfaces = list(interfaces)
        self.nft = nft
        self.installed = False

    def apply(self, spec: CaptureSpec) -> None:
        """Create or atomically replace the table for ``spec``."""
        _run(render(spec, self.interfaces), self.nft)
        self.installed = True

    def remove(self) -> None:
        """Delete the table (no error when it is already gone)."""
        _run(f"table {FAMILY} {TABLE}\ndelete table {FAMILY} {TABLE}\n", self.nft)
        self.installed = False

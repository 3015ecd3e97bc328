"""Classic BPF socket filters generated from a :class:`CaptureSpec`.

The filter runs on every frame an AF_PACKET socket sees and accepts only the
frames of the virtual services: IPv4/IPv6 addressed to this host (packet type
HOST, no VLAN tag left on the skb), towards a VIP and one of its service
ports, ICMP errors towards a VIP, and NAT replies from a real server's
address and port. Everything else never reaches Python.

Conditional jumps only ever skip one instruction; longer jumps are ``ja``
with a 32-bit offset, so a program of any size assembles.
"""

from __future__ import annotations

import struct
from collections.abc import Iterable
from dataclasses import dataclass

from pylvs.core.constants import (
    AF_INET,
    AF_INET6,
    IPPROTO_ICMP,
    IPPROTO_ICMPV6,
)
from pylvs.datapath.capture import ANY_PORT, CaptureSpec, Match

# instruction classes, sizes, modes and operations (linux/filter.h)
LD, LDX, JMP, RET = 0x00, 0x01, 0x05, 0x06
W, H, B = 0x00, 0x08, 0x10
ABS, IND, MSH = 0x20, 0x40, 0xA0
JA, JEQ, JSET = 0x00, 0x10, 0x40
K = 0x00

LD_W_ABS = LD | W | ABS
LD_H_ABS = LD | H | ABS
LD_B_ABS = LD | B | ABS
LD_H_IND = LD | H | IND
LD_B_IND = LD | B | IND
LDX_B_MSH = LDX | B | MSH
JMP_JA = JMP | JA
JMP_JEQ = JMP | JEQ | K
JMP_JSET = JMP | JSET | K
RET_K = RET | K

SKF_AD_OFF = 0xFFFFF000  # -0x1000: ancillary data loads
SKF_AD_PKTTYPE = 4
SKF_AD_VLAN_TAG_PRESENT = 48

PACKET_HOST = 0
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
ETH_HLEN = 14

BPF_MAXINSNS = 4096  # the kernel refuses longer classic programs
ACCEPT = 0xFFFFFFFF  # whole frame
REJECT = 0

ICMP_ERROR_TYPES = (3, 4, 11, 12)  # unreachable, source quench, time exceeded, param problem
ICMPV6_ERROR_TYPES = (1, 2, 3, 4)  # unreachable, too big, time exceeded, param problem
IPV6_EXT_HEADERS = (0, 43, 44, 51, 60)  # hop-by-hop, routing, fragment, AH, dest options

# IPv4/IPv6 field offsets from the frame start (untagged Ethernet)
V4_FRAG = ETH_HLEN + 6
V4_PROTO = ETH_HLEN + 9
V4_SADDR = ETH_HLEN + 12
V4_DADDR = ETH_HLEN + 16
V6_NEXTHDR = ETH_HLEN + 6
V6_SADDR = ETH_HLEN + 8
V6_DADDR = ETH_HLEN + 24
V6_L4 = ETH_HLEN + 40


@dataclass(frozen=True, slots=True)
class Insn:
    """One classic BPF instruction (struct sock_filter)."""

    code: int
    jt: int = 0
    jf: int = 0
    k: int = 0

    def pack(self) -> bytes:
        """The instruction as the kernel reads it."""
        return struct.pack("=HBBI", self.code, self.jt, self.jf, self.k & 0xFFFFFFFF)


@dataclass(frozen=True, slots=True)
class _Label:
    name: str


@dataclass(frozen=True, slots=True)
class _Goto:
    label: str


_Item = Insn | _Label | _Goto


class _Asm:
    """A tiny assembler: instructions, labels and long unconditional jumps."""

    def __init__(self) -> None:
        self.items: list[_Item] = []
        self._n = 0

    def new_label(self, hint: str) -> str:
        self._n += 1
        return f"{hint}{self._n}"

    def emit(self, code: int, k: int = 0, jt: int = 0, jf: int = 0) -> None:
        self.items.append(Insn(code, jt, jf, k))

    def label(self, name: str) -> None:
        self.items.append(_Label(name))

    def goto(self, name: str) -> None:
        self.items.append(_Goto(name))

    def unless_eq(self, k: int, target: str) -> None:
        """Continue when A == k, else jump to ``target``."""
        self.emit(JMP_JEQ, k, jt=1, jf=0)
        self.goto(target)

    def accept_if_eq(self, k: int) -> None:
        """Accept the frame when A == k."""
        self.emit(JMP_JEQ, k, jt=0, jf=1)
        self.emit(RET_K, ACCEPT)

    def ret(self, k: int) -> None:
        self.emit(RET_K, k)

    def assemble(self) -> list[Insn]:
        where: dict[str, int] = {}
        pc = 0
        for item in self.items:
            if isinstance(item, _Label):
                where[item.name] = pc
            else:
                pc += 1
        out: list[Insn] = []
        for item in self.items:
            if isinstance(item, _Label):
                continue
            if isinstance(item, _Goto):
                out.append(Insn(JMP_JA, 0, 0, where[item.label] - (len(out) + 1)))
            else:
                out.append(item)
        return out


def _words(addr: bytes) -> list[int]:
    return [int.from_bytes(addr[i : i + 4], "big") for i in range(0, len(addr), 4)]


def _group(matches: Iterable[Match], af: int) -> dict[bytes, dict[int, set[int]]]:
    """address -> protocol -> ports, for one family, in a stable order."""
    out: dict[bytes, dict[int, set[int]]] = {}
    for m in sorted(matches, key=lambda m: (m.addr, m.protocol, m.port)):
        if m.af == af:
            out.setdefault(m.addr, {}).setdefault(m.protocol, set()).add(m.port)
    return out


def _addr_test(asm: _Asm, offset: int, addr: bytes, miss: str) -> None:
    for i, word in enumerate(_words(addr)):
        asm.emit(LD_W_ABS, offset + 4 * i)
        asm.unless_eq(word, miss)


def _ports(asm: _Asm, ports: set[int], load: tuple[int, int], done: str) -> None:
    """A holds the protocol and it matched: accept on a port match, else go to ``done``."""
    if ANY_PORT in ports:
        asm.ret(ACCEPT)
        return
    asm.emit(*load)
    for port in sorted(ports):
        asm.accept_if_eq(port)
    asm.goto(done)


@dataclass(frozen=True, slots=True)
class _Family:
    """Where one address family's filter block finds the protocol and the L4 header."""

    label: str  # prefix of the block's labels
    proto_off: int  # absolute offset of the protocol / next header byte
    ld_h: int  # how the L4 header's half words are loaded (IPv4: relative to X)
    ld_b: int  # how the L4 header's bytes are loaded
    l4_off: int  # the L4 header's offset for those loads
    icmp_proto: int
    icmp_errors: tuple[int, ...]
    ext_headers: tuple[int, ...]  # next headers the L4 header stands behind: the parser decides


_IPV4 = _Family("v4", V4_PROTO, LD_H_IND, LD_B_IND, ETH_HLEN, IPPROTO_ICMP, ICMP_ERROR_TYPES, ())
_IPV6 = _Family("v6", V6_NEXTHDR, LD_H_ABS, LD_B_ABS, V6_L4, IPPROTO_ICMPV6, ICMPV6_ERROR_TYPES,
                IPV6_EXT_HEADERS)


def _addr_block(asm: _Asm, fam: _Family, groups: dict[bytes, dict[int, set[int]]],
                addr_off: int, port_off: int, done: str) -> None:
    """Accept frames whose address at ``addr_off`` and L4 port at ``port_off`` in it match.

    For IPv4 the L4 header is found through X (the IPv4 header length).
    """
    for addr, protos in groups.items():
        next_addr = asm.new_label(fam.label + "a")
        _addr_test(asm, addr_off, addr, next_addr)
        asm.emit(LD_B_ABS, fam.proto_off)
        for proto, ports in protos.items():
            next_proto = asm.new_label(fam.label + "p")
            asm.unless_eq(proto, next_proto)
            _ports(asm, ports, (fam.ld_h, fam.l4_off + port_off), done)
            asm.label(next_proto)
        for ext in fam.ext_headers:
            asm.accept_if_eq(ext)
        no_icmp = asm.new_label(fam.label + "i")
        asm.unless_eq(fam.icmp_proto, no_icmp)
        asm.emit(fam.ld_b, fam.l4_off)
        for icmp_type in fam.icmp_errors:
            asm.accept_if_eq(icmp_type)
        asm.label(no_icmp)
        asm.goto(done)
        asm.label(next_addr)


def _preamble(asm: _Asm) -> tuple[str, str]:
    """Host-addressed, untagged frames only; branch on the ethertype."""
    v4, v6 = "ipv4", "ipv6"
    asm.emit(LD_W_ABS, SKF_AD_OFF + SKF_AD_PKTTYPE)
    asm.unless_eq(PACKET_HOST, "reject")
    asm.emit(LD_W_ABS, SKF_AD_OFF + SKF_AD_VLAN_TAG_PRESENT)
    asm.unless_eq(0, "reject")
    asm.emit(LD_H_ABS, 12)
    asm.emit(JMP_JEQ, ETH_P_IP, jt=0, jf=1)
    asm.goto(v4)
    asm.emit(JMP_JEQ, ETH_P_IPV6, jt=0, jf=1)
    asm.goto(v6)
    asm.ret(REJECT)
    return v4, v6


def service_filter(spec: CaptureSpec) -> list[Insn]:
    """The exact filter for ``spec`` (may exceed BPF_MAXINSNS for huge tables)."""
    asm = _Asm()
    v4, v6 = _preamble(asm)
    asm.label(v4)
    asm.emit(LD_H_ABS, V4_FRAG)  # a non-first fragment carries no ports: the kernel's
    asm.emit(JMP_JSET, 0x1FFF, jt=0, jf=1)
    asm.ret(REJECT)
    asm.emit(LDX_B_MSH, ETH_HLEN)  # X := IPv4 header length
    _addr_block(asm, _IPV4, _group(spec.to_vip, AF_INET), V4_DADDR, 2, "v4nat")
    asm.label("v4nat")
    _addr_block(asm, _IPV4, _group(spec.from_nat_rs, AF_INET), V4_SADDR, 0, "reject")
    asm.goto("reject")
    asm.label(v6)
    _addr_block(asm, _IPV6, _group(spec.to_vip, AF_INET6), V6_DADDR, 2, "v6nat")
    asm.label("v6nat")
    _addr_block(asm, _IPV6, _group(spec.from_nat_rs, AF_INET6), V6_SADDR, 0, "reject")
    asm.label("reject")
    asm.ret(REJECT)
    return asm.assemble()


def ip_filter() -> list[Insn]:
    """The coarse filter: every host-addressed untagged IPv4/IPv6 frame."""
    asm = _Asm()
    v4, v6 = _preamble(asm)
    asm.label(v4)
    asm.label(v6)
    asm.ret(ACCEPT)
    asm.label("reject")
    asm.ret(REJECT)
    return asm.assemble()


def drop_all_filter() -> list[Insn]:
    """A filter that accepts nothing (installed while a socket is being set up)."""
    return [Insn(RET_K, 0, 0, REJECT)]


def build_filter(spec: CaptureSpec) -> tuple[list[Insn], bool]:
    """The filter to attach for ``spec``, and whether it is exact (False: the coarse one)."""
    prog = service_filter(spec)
    if len(prog) <= BPF_MAXINSNS:
        return prog, True
    return ip_filter(), False


def pack_program(prog: list[Insn]) -> bytes:
    """The program as an array of struct sock_filter."""
    return b"".join(insn.pack() for insn in prog)

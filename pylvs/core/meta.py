"""The two objects that cross between datapath and core for every packet."""

from __future__ import annotations

from enum import IntEnum
from typing import Final


class Direction(IntEnum):
    """Which way a packet travels relative to the virtual service."""

    IN = 0  # client -> director (towards a real server)
    OUT = 1  # real server -> director (a NAT reply)


class PacketMeta:
    """What core needs to know about one packet (flat and cheap: hot path).

    For an ICMP error (``related`` True) the protocol, addresses and ports are
    those of the quoted (embedded) packet exactly as its headers carry them,
    ``length`` is the ICMP packet's IP length and ``direction`` is the direction
    the ICMP message itself travels; core looks up the connection the quoted
    packet belongs to.
    """

    __slots__ = (
        "af", "protocol", "saddr", "daddr", "sport", "dport",
        "tcp_flags", "length", "direction", "fwmark", "related",
    )

    def __init__(
        self,
        af: int,
        protocol: int,
        saddr: bytes,
        daddr: bytes,
        sport: int,
        dport: int,
        tcp_flags: int = 0,
        length: int = 0,
        direction: int = Direction.IN,
        fwmark: int = 0,
        related: bool = False,
    ) -> None:
        self.af = af
        self.protocol = protocol
        self.saddr = saddr
        self.daddr = daddr
        self.sport = sport
        self.dport = dport
        self.tcp_flags = tcp_flags
        self.length = length
        self.direction = direction
        self.fwmark = fwmark
        self.related = related

    def __repr__(self) -> str:
        return (
            f"PacketMeta(af={self.af}, proto={self.protocol}, {self.saddr.hex()}:{self.sport}"
            f" -> {self.daddr.hex()}:{self.dport}, flags={self.tcp_flags:#x},"
            f" len={self.length}, dir={self.direction}, mark={self.fwmark},"
            f" related={self.related})"
        )


# TCP flag bits as they appear in the TCP header's flags byte
TCP_FIN: Final = 0x01
TCP_SYN: Final = 0x02
TCP_RST: Final = 0x04
TCP_PSH: Final = 0x08
TCP_ACK: Final = 0x10


class Action(IntEnum):
    """What the datapath must do with a packet."""

    PASS = 0  # not a virtual-service packet core handles: leave it to the kernel
    DROP = 1  # drop it; ``Verdict.reason`` names why
    FORWARD = 2  # client -> real server by the dest's method (DR, TUN, or NAT rewrite)
    NAT_OUT = 3  # NAT reply real server -> client: rewrite source to vaddr:vport
    REJECT = 4  # no destination available: ICMP port unreachable to the client, then drop


class Verdict:
    """Core's answer for one packet (flat: hot path)."""

    __slots__ = (
        "action", "fwd_method", "daf", "daddr", "dport", "vaddr", "vport",
        "tun_type", "tun_port", "tun_flags", "reason", "conn",
    )

    def __init__(
        self,
        action: int,
        fwd_method: int = 0,
        daf: int = 0,
        daddr: bytes = b"",
        dport: int = 0,
        vaddr: bytes = b"",
        vport: int = 0,
        tun_type: int = 0,
        tun_port: int = 0,
        tun_flags: int = 0,
        reason: str = "",
        conn: object | None = None,
    ) -> None:
        self.action = action
        self.fwd_method = fwd_method  # FwdMethod of the destination (FORWARD)
        self.daf = daf  # address family of the real server
        self.daddr = daddr  # real server address (FORWARD: where to send)
        self.dport = dport  # real server port (NAT rewrites to it)
        self.vaddr = vaddr  # virtual address (NAT_OUT rewrites the source to it)
        self.vport = vport
        self.tun_type = tun_type
        self.tun_port = tun_port
        self.tun_flags = tun_flags
        self.reason = reason  # DROP / REJECT / PASS: a short stable name, e.g. "no-dest"
        self.conn = conn  # the connection entry the packet belongs to, if any

    def __repr__(self) -> str:
        return (
            f"Verdict({Action(self.action).name}, fwd={self.fwd_method},"
            f" d={self.daddr.hex()}:{self.dport}, reason={self.reason!r})"
        )

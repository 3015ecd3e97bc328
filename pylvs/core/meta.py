"""The two objects that cross between datapath and core for every packet."""

from __future__ import annotations

from enum import IntEnum


class Direction(IntEnum):
    """Which way a packet travels relative to the virtual service."""

    IN = 0  # client -> director (towards a real server)
    OUT = 1  # real server -> director (a NAT reply)


class PacketMeta:
    """What core needs to know about one packet (flat and cheap: hot path)."""

    __slots__ = (
        "af",
        "daddr",
        "direction",
        "dport",
        "fwmark",
        "length",
        "protocol",
        "saddr",
        "sport",
        "tcp_flags",
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

    def __repr__(self) -> str:
        return (
            f"PacketMeta(af={self.af}, proto={self.protocol}, {self.saddr.hex()}:{self.sport}"
            f" -> {self.daddr.hex()}:{self.dport}, flags={self.tcp_flags:#x},"
            f" len={self.length}, dir={self.direction}, mark={self.fwmark})"
        )


# TCP flag bits as they appear in the TCP header's flags byte
TCP_FIN = 0x01
TCP_SYN = 0x02
TCP_RST = 0x04
TCP_PSH = 0x08
TCP_ACK = 0x10

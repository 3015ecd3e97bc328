"""The maps' keys and values as ctypes structures, mirroring ``bpf/structs.h``.

``tests/xdp/test_schema.py`` compiles the C structs for the host and checks every
size and offset against these, so the two cannot drift apart.
"""

from __future__ import annotations

import ctypes
import struct
from typing import NamedTuple

# flow_value.action
FLOW_DR = 1
FLOW_NAT_IN = 2
FLOW_NAT_OUT = 3
FLOW_TUN = 4
# flow_value.flags
FLOW_F_OUT = 0x1
FLOW_F_PMTU_DISC = 0x2
FLOW_F_OWN_STATE = 0x4  # TCP: the connection's only flow; the program moves its state
# stat_counters indexes
STAT_NAMES = ("forwarded", "miss", "state", "unhandled", "not_ip")

XDP_ABORTED, XDP_DROP, XDP_PASS, XDP_TX, XDP_REDIRECT = range(5)
VERDICT_NAMES = ("ABORTED", "DROP", "PASS", "TX", "REDIRECT")


class FlowKey(ctypes.Structure):
    """One direction of one connection as the packet carries it (ports in network order)."""

    _fields_ = [
        ("family", ctypes.c_uint8),
        ("protocol", ctypes.c_uint8),
        ("pad", ctypes.c_uint8 * 2),
        ("sport", ctypes.c_uint8 * 2),  # __be16
        ("dport", ctypes.c_uint8 * 2),  # __be16
        ("saddr", ctypes.c_uint8 * 16),
        ("daddr", ctypes.c_uint8 * 16),
    ]


class FlowValue(ctypes.Structure):
    """How the program forwards a packet of the flow (written by Python only)."""

    _fields_ = [
        ("action", ctypes.c_uint8),
        ("tcp_table", ctypes.c_uint8),
        ("tcp_state", ctypes.c_uint8),
        ("daf", ctypes.c_uint8),
        ("egress_ifindex", ctypes.c_uint32),
        ("dst_mac", ctypes.c_uint8 * 6),
        ("src_mac", ctypes.c_uint8 * 6),
        ("new_port", ctypes.c_uint8 * 2),  # __be16
        ("mtu", ctypes.c_uint16),
        ("new_addr", ctypes.c_uint8 * 16),
        ("tun_saddr", ctypes.c_uint8 * 16),
        ("flags", ctypes.c_uint32),
        ("stats_slot", ctypes.c_uint32),  # set by FastPathProgram.put_flow
    ]


class FlowStats(ctypes.Structure):
    """What the program forwarded for the flow on one CPU."""

    _fields_ = [
        ("packets", ctypes.c_uint64),
        ("bytes", ctypes.c_uint64),
        ("last_seen_ns", ctypes.c_uint64),
    ]


# The same layouts as struct formats, for packing without a ctypes object per packet.
KEY_FORMAT = struct.Struct("!BB2xHH16s16s")  # family, protocol, sport, dport, saddr, daddr
VALUE_FORMAT = struct.Struct("=BBBBI6s6s2sH16s16sII")
STATS_FORMAT = struct.Struct("=QQQ")
VALUE_STATE_OFFSET = 2  # byte offset of flow_value.tcp_state
VALUE_SLOT_OFFSET = 60  # byte offset of flow_value.stats_slot


class FlowCounts(NamedTuple):
    """A flow's counters as read from the flow_stats map (summed over the CPUs)."""

    packets: int
    bytes: int
    last_seen_ns: int


def key_bytes(af: int, protocol: int, saddr: bytes, sport: int, daddr: bytes,
              dport: int) -> bytes:
    """The flow key of ``saddr:sport -> daddr:dport`` as the map holds it."""
    return KEY_FORMAT.pack(af, protocol, sport, dport, saddr, daddr)


def value_bytes(action: int, egress_ifindex: int, dst_mac: bytes, src_mac: bytes, *,
                tcp_table: int = 0, tcp_state: int = 0, daf: int = 0, new_addr: bytes = b"",
                new_port: int = 0, mtu: int = 0, tun_saddr: bytes = b"",
                flags: int = 0) -> bytes:
    """A flow map value as bytes (the fields of :func:`flow_value`)."""
    return VALUE_FORMAT.pack(action, tcp_table, tcp_state, daf, egress_ifindex, dst_mac,
                             src_mac, new_port.to_bytes(2, "big"), min(mtu, 0xFFFF), new_addr,
                             tun_saddr, flags, 0)


def _addr16(addr: bytes) -> bytes:
    return addr + bytes(16 - len(addr))


def flow_key(af: int, protocol: int, saddr: bytes, sport: int, daddr: bytes,
             dport: int) -> FlowKey:
    """The key of the packets going ``saddr:sport -> daddr:dport``."""
    k = FlowKey()
    k.family, k.protocol = af, protocol
    k.sport[:] = sport.to_bytes(2, "big")
    k.dport[:] = dport.to_bytes(2, "big")
    k.saddr[:] = _addr16(saddr)
    k.daddr[:] = _addr16(daddr)
    return k


def flow_value(action: int, egress_ifindex: int, dst_mac: bytes, src_mac: bytes, *,
               tcp_table: int = 0, tcp_state: int = 0, daf: int = 0, new_addr: bytes = b"",
               new_port: int = 0, mtu: int = 0, tun_saddr: bytes = b"",
               flags: int = 0) -> FlowValue:
    """A flow map value (addresses as packed bytes, port in host order)."""
    v = FlowValue()
    v.action, v.tcp_table, v.tcp_state, v.daf = action, tcp_table, tcp_state, daf
    v.egress_ifindex = egress_ifindex
    v.dst_mac[:] = dst_mac
    v.src_mac[:] = src_mac
    v.new_port[:] = new_port.to_bytes(2, "big")
    v.mtu = min(mtu, 0xFFFF)
    v.new_addr[:] = _addr16(new_addr)
    v.tun_saddr[:] = _addr16(tun_saddr)
    v.flags = flags
    return v

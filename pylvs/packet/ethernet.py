"""Ethernet II and 802.1Q/802.1ad headers."""

from __future__ import annotations

import struct

ETH_HLEN = 14
ETH_ALEN = 6
ETH_P_IP = 0x0800
ETH_P_IPV6 = 0x86DD
ETH_P_8021Q = 0x8100
ETH_P_8021AD = 0x88A8
VLAN_HLEN = 4
MAX_VLAN_TAGS = 2

_U16 = struct.Struct("!H")


def mac_bytes(mac: str | bytes) -> bytes:
    """A MAC address as 6 bytes, from bytes or ``aa:bb:cc:dd:ee:ff`` text."""
    if isinstance(mac, bytes):
        if len(mac) != ETH_ALEN:
            raise ValueError(f"a MAC address is 6 bytes, got {len(mac)}")
        return mac
    raw = bytes.fromhex(mac.replace(":", "").replace("-", ""))
    if len(raw) != ETH_ALEN:
        raise ValueError(f"not a MAC address: {mac!r}")
    return raw


def eth_header(dst: bytes, src: bytes, ethertype: int, vlan: int = -1) -> bytes:
    """An Ethernet header, with one 802.1Q tag carrying TCI ``vlan`` when ``vlan >= 0``."""
    if vlan >= 0:
        return dst + src + struct.pack("!HHH", ETH_P_8021Q, vlan & 0xFFFF, ethertype)
    return dst + src + _U16.pack(ethertype)


def reply_l2(frame: bytes | bytearray | memoryview, l3_off: int) -> bytes:
    """The L2 header for an answer sent back out the ingress port: MACs swapped, tags kept."""
    head = bytes(frame[:l3_off])
    return head[6:12] + head[0:6] + head[12:]

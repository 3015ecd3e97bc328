"""The shared packet table seen from the fast path: which flow each case installs and
what the program must do with its frame."""

from __future__ import annotations

from dataclasses import dataclass

from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.inet6 import IPv6
from scapy.layers.l2 import Ether
from scapy.packet import Packet

from pylvs.core.proto import Table, TcpState
from pylvs.datapath.xdp import schema
from tests.fixtures.packets import (
    AF_INET,
    AF_INET6,
    DIRECTOR_RS_MAC,
    RAND,
    RS1_MAC,
    TUN_IPIP,
    PacketCase,
)

LOOPBACK_IFINDEX = 1  # a test run's ingress: XDP_TX when the flow leaves there
OTHER_IFINDEX = 7  # any other egress: a redirect

# cases the program hands to Python unchanged although Python forwards them
PASSED_UP = {
    "dr-ipv4-options": "IPv4 options are not parsed here",
    "dr-ipv6-ext-headers": "IPv6 extension headers are not parsed here",
    "dr-vlan-in-untagged-out": "VLAN-tagged frames are not parsed here",
    "nat-in-udp-no-checksum": "a UDP datagram without checksum gets a full one from Python",
    "nat-in-sctp": "SCTP is not in the fast path",
    "dr-sctp-csum-not-ready": "SCTP is not in the fast path",
    "nat-icmp-in": "ICMP errors go to Python",
    "nat-icmp-out": "ICMP errors go to Python",
    "nat-icmp-out-ipv6": "ICMP errors go to Python",
}
# cases whose flow the flow manager never installs, so no run here would mean anything
NOT_INSTALLED = {
    "dr-vlan-out": "flows needing an egress VLAN tag stay in Python",
    "tun-gre": "GRE stays in Python", "tun-gre-csum": "GRE stays in Python",
    "tun-gue": "GUE stays in Python", "tun-gue-csum": "GUE stays in Python",
    # a veth client's unfinished checksum is invisible to XDP: lab clients send with tx
    # offload off (DESIGN.md, lab facts)
    "dr-csum-not-ready": "checksum state is not visible to XDP",
    "nat-in-csum-not-ready": "checksum state is not visible to XDP",
}


def _mac(text: str) -> bytes:
    return bytes.fromhex(text.replace(":", ""))


def _addr(text: str) -> bytes:
    import ipaddress

    return ipaddress.ip_address(text).packed


@dataclass
class Setup:
    """A flow to install and what to expect."""

    key: schema.FlowKey | None
    value: schema.FlowValue | None
    frame: bytes
    verdict: int
    expect: bytes


def flow_key_of(frame: bytes) -> schema.FlowKey | None:
    """The flow key of the outer IP packet and its TCP/UDP ports, None without ports."""
    if len(frame) < 14:
        return None
    pkt = Ether(frame)
    l3 = pkt[IP] if IP in pkt else pkt.getlayer(IPv6)
    if l3 is None:
        return None
    l4 = l3.payload
    if not isinstance(l4, TCP | UDP):
        return None
    af = AF_INET if isinstance(l3, IP) else AF_INET6
    return schema.flow_key(af, 6 if isinstance(l4, TCP) else 17, _addr(l3.src), l4.sport,
                           _addr(l3.dst), l4.dport)


def established(frame: bytes) -> bytes:
    """``frame`` with its (first) TCP segment's SYN/FIN/RST turned into a plain ACK, as a
    later segment of the same connection (checksum recomputed); other frames unchanged."""
    pkt = Ether(frame)
    if TCP not in pkt:
        return frame
    tcp: Packet = pkt[TCP]
    tcp.flags = (int(tcp.flags) & ~0x07) | 0x10
    del tcp.chksum
    return bytes(pkt)


def flow_for(case: PacketCase) -> schema.FlowValue:
    """The flow the flow manager would install for the case's connection."""
    p = case.params
    pkt = Ether(case.frame)
    af = AF_INET if IP in pkt else AF_INET6
    mtu = int(p.get("mtu", 0))
    tcp = dict(tcp_table=int(Table.INPUT_ONLY), tcp_state=int(TcpState.ESTABLISHED))
    if case.transform == "dr":
        return schema.flow_value(schema.FLOW_DR, LOOPBACK_IFINDEX, _mac(p["dst_mac"]),
                                 _mac(p["src_mac"]), daf=af, mtu=mtu, **tcp)
    if case.transform == "nat_in":
        return schema.flow_value(schema.FLOW_NAT_IN, LOOPBACK_IFINDEX, _mac(p["dst_mac"]),
                                 _mac(p["src_mac"]), daf=af, mtu=mtu,
                                 new_addr=_addr(p["daddr"]), new_port=p["dport"],
                                 tcp_table=int(Table.INPUT), tcp_state=int(TcpState.ESTABLISHED))
    if case.transform == "nat_out":
        return schema.flow_value(schema.FLOW_NAT_OUT, LOOPBACK_IFINDEX, _mac(p["dst_mac"]),
                                 _mac(p["src_mac"]), daf=af, mtu=mtu,
                                 new_addr=_addr(p["saddr"]), new_port=p["sport"],
                                 tcp_table=int(Table.OUTPUT), tcp_state=int(TcpState.ESTABLISHED),
                                 flags=schema.FLOW_F_OUT)
    if case.transform == "tun" and p.get("tun_type", TUN_IPIP) == TUN_IPIP:
        flags = schema.FLOW_F_PMTU_DISC if p.get("pmtu_disc", True) else 0
        return schema.flow_value(schema.FLOW_TUN, OTHER_IFINDEX, _mac(p["dst_mac"]),
                                 _mac(p["src_mac"]), daf=p["daf"], mtu=mtu,
                                 new_addr=_addr(p["daddr"]), tun_saddr=_addr(p["saddr"]),
                                 flags=flags, **tcp)
    # anything else: a DR flow for the packet's tuple (the program must still pass it)
    return schema.flow_value(schema.FLOW_DR, LOOPBACK_IFINDEX, _mac(RS1_MAC),
                             _mac(DIRECTOR_RS_MAC), daf=af, **tcp)


def forwarded_here(case: PacketCase) -> bool:
    """Whether the program itself must forward the case's frame."""
    return case.expect_frame is not None and case.name not in PASSED_UP


def setup(case: PacketCase) -> Setup:
    """Flow, input frame, expected verdict and frame of a case (not in NOT_INSTALLED)."""
    if forwarded_here(case):
        assert case.expect_frame is not None
        frame = established(case.frame)
        value = flow_for(case)
        verdict = schema.XDP_TX if value.egress_ifindex == LOOPBACK_IFINDEX else \
            schema.XDP_REDIRECT
        return Setup(flow_key_of(frame), value, frame, verdict, established(case.expect_frame))
    if case.transform == "reject":  # no destination: no connection, no flow
        return Setup(None, None, case.frame, schema.XDP_PASS, case.frame)
    key = flow_key_of(case.frame)
    return Setup(key, flow_for(case) if key is not None else None, case.frame,
                 schema.XDP_PASS, case.frame)


def with_random_id_of(want: bytes, got: bytes) -> bytes:
    """``want`` whose outer IPv4 ID (RAND, drawn at random) takes ``got``'s value."""
    w, g = Ether(want), Ether(got)
    if IP in w and IP in g and w[IP].id == RAND:
        w[IP].id = g[IP].id
        del w[IP].chksum
        return bytes(w)
    return want

"""Rewriters under random addresses, ports and mangled input: checksums stay right, no raise."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scapy.layers.inet import TCP, UDP
from scapy.layers.l2 import Ether
from scapy.layers.sctp import SCTP
from scapy.packet import Packet, Raw

from pylvs.core.constants import AF_INET, AF_INET6, TunType
from pylvs.packet.dr import dr_forward
from pylvs.packet.drop import DropReason
from pylvs.packet.icmp_reply import port_unreachable
from pylvs.packet.nat import nat_in, nat_out
from pylvs.packet.parse import Parsed, parse_frame
from pylvs.packet.result import Refusal
from pylvs.packet.tunnel import tun_encap
from tests.fixtures.packets import CASES

MAC_A, MAC_B = b"\x02\0\0\0\0\xaa", b"\x02\0\0\0\0\xbb"
_CSUM_FIELDS = ("chksum", "cksum")


def rebuilt(frame: bytes) -> bytes:
    """``frame`` re-serialised by scapy with every checksum field recomputed."""
    p: Packet = Ether(frame)
    layer: Packet | None = p
    while layer is not None and not isinstance(layer, Raw):
        for name in _CSUM_FIELDS:
            if name in layer.fields:
                setattr(layer, name, None)  # None: scapy computes it (and drops its cache)
        layer = layer.payload if layer.payload else None
    return bytes(p)


def _l4_frames() -> list[bytes]:
    out = []
    for c in CASES:
        if c.transform == "parse" or c.csum_not_ready:
            continue
        e = Ether(c.frame)
        if (TCP in e or UDP in e or SCTP in e) and e.getlayer(UDP, 2) is None:
            l4 = e[TCP] if TCP in e else e[UDP] if UDP in e else e[SCTP]
            if (UDP not in e or e[UDP].chksum != 0) and not isinstance(l4.underlayer, Raw):
                p = parse_frame(c.frame)
                if isinstance(p, Parsed) and p.has_l4 and not p.is_fragment and p.ttl > 1:
                    out.append(c.frame)
    return out


FRAMES = _l4_frames()
addr4 = st.binary(min_size=4, max_size=4)
addr6 = st.binary(min_size=16, max_size=16)
port = st.integers(0, 65535)


def test_enough_seed_frames() -> None:
    assert len(FRAMES) >= 10


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FRAMES), addr4, addr6, port, st.booleans())
def test_nat_keeps_every_checksum_valid(frame: bytes, a4: bytes, a6: bytes, pt: int,
                                        outbound: bool) -> None:
    p = parse_frame(frame)
    assert isinstance(p, Parsed)
    addr = a4 if p.af == AF_INET else a6
    fn = nat_out if outbound else nat_in
    out = fn(frame, p, addr, pt, MAC_A, MAC_B)
    assert isinstance(out, bytes), out
    assert rebuilt(out) == out
    q = parse_frame(out)
    assert isinstance(q, Parsed) and q.meta is not None
    if outbound:
        assert (q.meta.saddr, q.meta.sport) == (addr, pt)
    else:
        assert (q.meta.daddr, q.meta.dport) == (addr, pt)
    assert q.ttl == p.ttl - 1 and q.ip_len == p.ip_len


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(FRAMES), st.sampled_from([AF_INET, AF_INET6]),
       st.sampled_from([TunType.IPIP, TunType.GRE, TunType.GUE]), st.sampled_from([0, 1]))
def test_tunnel_output_parses_and_carries_the_inner_packet(
    frame: bytes, daf: int, tun_type: int, flags: int
) -> None:
    p = parse_frame(frame)
    assert isinstance(p, Parsed)
    src, dst = (b"\xc6\x12\0\x97", b"\xc6\x12\0\xac") if daf == AF_INET else (
        b" \x01\x0d\xb8" + b"\0" * 11 + b"\x01", b" \x01\x0d\xb8" + b"\0" * 11 + b"\x02")
    out = tun_encap(frame, p, daf, src, dst, MAC_A, MAC_B, tun_type=tun_type, tun_flags=flags,
                    tun_port=6080)
    assert isinstance(out, bytes), out
    assert rebuilt(out) == out or (tun_type == TunType.GUE and not flags)
    dr = dr_forward(frame, p, MAC_A, MAC_B)
    assert isinstance(dr, bytes)
    assert out.endswith(dr[14:])
    outer = parse_frame(out)
    assert isinstance(outer, Parsed) and outer.meta is not None
    assert (outer.meta.saddr, outer.meta.daddr) == (src, dst)


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from([c.frame for c in CASES]),
       st.lists(st.tuples(st.integers(0, 1600), st.integers(0, 255)), max_size=5),
       st.integers(0, 1500), st.sampled_from([None, (-1, -1), (34, 16), (40, 6), (0, 70)]))
def test_transforms_never_raise_on_mangled_frames(
    seed: bytes, flips: list[tuple[int, int]], mtu: int, offload: tuple[int, int] | None
) -> None:
    f = bytearray(seed)
    for pos, val in flips:
        if pos < len(f):
            f[pos] = val
    frame = bytes(f)
    if offload is None:
        p = parse_frame(frame, verify_ip_checksum=False)
    else:
        p = parse_frame(frame, verify_ip_checksum=False, csum_not_ready=True,
                        csum_start=offload[0], csum_offset=offload[1])
    if isinstance(p, DropReason):
        return
    a = b"\x01\x02\x03\x04" if p.af == AF_INET else b"\x20\x01" + b"\0" * 14
    results = [
        dr_forward(frame, p, MAC_A, MAC_B, mtu=mtu),
        nat_in(frame, p, a, 1, MAC_A, MAC_B, mtu=mtu),
        nat_out(frame, p, a, 1, MAC_A, MAC_B, mtu=mtu),
        tun_encap(frame, p, AF_INET, a[:4], a[:4], MAC_A, MAC_B, mtu=mtu),
        tun_encap(frame, p, AF_INET6, a.ljust(16, b"\0"), a.ljust(16, b"\0"), MAC_A, MAC_B,
                  mtu=mtu, tun_type=TunType.GRE),
    ]
    for r in results:
        assert isinstance(r, bytes | Refusal)
        if isinstance(r, Refusal):
            assert isinstance(r.reason, DropReason)
    reply = port_unreachable(frame, p)
    assert reply is None or isinstance(reply, bytes)


"""The parser's shortcut for plain TCP/UDP frames gives exactly what the full parser gives."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scapy.layers.inet import IP, TCP, UDP
from scapy.layers.inet6 import IPv6, IPv6ExtHdrHopByHop
from scapy.layers.l2 import Dot1Q, Ether
from scapy.packet import Packet, Raw

from pylvs.core.meta import Direction, PacketMeta
from pylvs.packet.drop import DropReason
from pylvs.packet.parse import Parsed, parse_frame, parse_full
from pylvs.packet.plain import parse_plain
from tests.fixtures.packets import CASES, CIP, CIP6, VIP, VIP6

L2 = Ether(src="02:00:00:00:01:00", dst="02:00:00:00:00:01")
PARSED_FIELDS = (
    "af", "vlan", "l3_off", "ip_hlen", "ip_len", "l4_off", "proto", "ttl", "tos", "flow_label",
    "df", "is_fragment", "frag_off", "more_frags", "frag_id", "tcp_flags", "csum_not_ready",
    "csum_start", "csum_offset", "icmp_type", "icmp_code", "inner_l3_off", "inner_hlen",
    "inner_l4_off", "inner_proto",
)
META_FIELDS = ("af", "protocol", "saddr", "daddr", "sport", "dport", "tcp_flags", "length",
               "direction", "fwmark", "related")


def fields(p: Parsed) -> dict[str, object]:
    """Every field of ``p`` and of its meta, by name."""
    assert p.meta is not None
    out: dict[str, object] = {f: getattr(p, f) for f in PARSED_FIELDS}
    out.update({f"meta.{f}": getattr(p.meta, f) for f in META_FIELDS})
    return out


def attributes(cls: type) -> set[str]:
    """The attributes of a slotted class, interpreted or compiled by mypyc."""
    names = getattr(cls, "__slots__", None) or getattr(cls, "__mypyc_attrs__", ())
    return set(names)


def test_the_field_lists_cover_every_attribute() -> None:
    assert set(PARSED_FIELDS) | {"meta"} == attributes(Parsed)
    assert set(META_FIELDS) == attributes(PacketMeta)


def agrees(frame: bytes, direction: int = Direction.IN, fwmark: int = 0,
           csum_not_ready: bool = False, verify: bool = True) -> bool:
    """Whether the shortcut took ``frame``; when it did, its result equals the full parser's."""
    plain = parse_plain(frame, direction, fwmark, csum_not_ready, verify)
    full = parse_full(frame, direction=direction, fwmark=fwmark, csum_not_ready=csum_not_ready,
                      verify_ip_checksum=verify)
    whole = parse_frame(frame, direction=direction, fwmark=fwmark,
                        csum_not_ready=csum_not_ready, verify_ip_checksum=verify)
    if plain is None:
        assert whole == full if isinstance(full, DropReason) else isinstance(whole, Parsed)
        return False
    assert isinstance(full, Parsed), (full, frame.hex())
    assert fields(plain) == fields(full), frame.hex()
    assert isinstance(whole, Parsed) and fields(whole) == fields(full)
    return True


def plain_frames() -> st.SearchStrategy[bytes]:
    """Well-formed IPv4/IPv6 TCP/UDP frames with random header fields and options."""
    ports = st.integers(0, 65535)

    @st.composite
    def build(draw: st.DrawFn) -> bytes:
        v6 = draw(st.booleans())
        ip: Packet
        if v6:
            ip = IPv6(src=CIP6, dst=VIP6, hlim=draw(st.integers(0, 255)),
                      tc=draw(st.integers(0, 255)), fl=draw(st.integers(0, 0xFFFFF)))
        else:
            ip = IP(src=CIP, dst=VIP, ttl=draw(st.integers(0, 255)), tos=draw(st.integers(0, 255)),
                    id=draw(st.integers(0, 65535)), flags=draw(st.sampled_from(["", "DF", "evil"])))
        l4: Packet
        if draw(st.booleans()):
            l4 = TCP(sport=draw(ports), dport=draw(ports), flags=draw(st.integers(0, 255)),
                     options=[("NOP", None)] * draw(st.integers(0, 12)))
        else:
            l4 = UDP(sport=draw(ports), dport=draw(ports))
        body = Raw(draw(st.binary(max_size=40)))
        return bytes(L2 / ip / l4 / body) + draw(st.binary(max_size=20))  # with padding

    return build()


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plain_frames(), st.sampled_from([Direction.IN, Direction.OUT]), st.integers(0, 2**32 - 1),
       st.booleans())
def test_plain_frames_take_the_shortcut_to_the_same_result(
    frame: bytes, direction: int, fwmark: int, csum_not_ready: bool
) -> None:
    assert agrees(frame, direction, fwmark, csum_not_ready)


@settings(max_examples=600, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    plain_frames(),
    st.lists(st.tuples(st.integers(0, 80), st.integers(0, 255)), min_size=1, max_size=4),
    st.integers(0, 120),
    st.booleans(),
)
def test_mutated_plain_frames_agree_or_go_the_long_way(
    frame: bytes, flips: list[tuple[int, int]], cut: int, verify: bool
) -> None:
    f = bytearray(frame)
    for pos, val in flips:
        if pos < len(f):
            f[pos] = val
    agrees(bytes(f), verify=verify)
    agrees(bytes(f[:cut]), verify=verify)


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([b"\x08\x00E", b"\x86\xdd`"]), st.binary(max_size=100))
def test_random_ip_bytes_agree_or_go_the_long_way(start: bytes, body: bytes) -> None:
    agrees(b"\x02" * 12 + start + body)


def test_every_packet_case_agrees() -> None:
    taken = [c.name for c in CASES if agrees(c.frame, csum_not_ready=c.csum_not_ready)]
    assert len(taken) >= 10  # the table's plain client frames do take the shortcut


def test_what_goes_the_long_way() -> None:
    tcp = TCP(sport=1000, dport=80, flags="A")
    for ip in (IP(src=CIP, dst=VIP, flags="MF"), IP(src=CIP, dst=VIP, frag=2),
               IP(src=CIP, dst=VIP, options=b"\x01\x01\x01\x00"), IP(src=CIP, dst=VIP, proto=132)):
        assert parse_plain(bytes(L2 / ip / tcp), Direction.IN, 0, False, True) is None
    bad_sum = bytearray(bytes(L2 / IP(src=CIP, dst=VIP) / tcp))
    bad_sum[24] ^= 0xFF
    assert parse_plain(bytes(bad_sum), Direction.IN, 0, False, True) is None
    assert parse_frame(bytes(bad_sum)) is DropReason.BAD_IP_CHECKSUM
    assert parse_plain(bytes(bad_sum), Direction.IN, 0, False, False) is not None
    hbh = bytes(L2 / IPv6(src=CIP6, dst=VIP6) / IPv6ExtHdrHopByHop() / tcp)
    vlan = bytes(L2 / Dot1Q(vlan=5) / IP(src=CIP, dst=VIP) / tcp)
    for f in (hbh, vlan):
        assert parse_plain(f, Direction.IN, 0, False, True) is None
        assert isinstance(parse_frame(f), Parsed)

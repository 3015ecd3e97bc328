"""The Python rewriters against frames the real kernel IPVS emitted (oracle golden file).

``tests/golden/packet/oracle_frames.txt`` was recorded by
``tests/golden/packet/make_oracle_frames.py``: each crafted frame went into a
Linux 6.1 director and every frame it sent out was captured. Fields the kernel
fills at random (IP IDs of ICMP errors and non-DF tunnel headers, ICMPv6 flow
labels) are read back from the captured frame and handed in as ``rand32``.

``nat6_icmp_out`` is recorded but not compared: Linux 6.1 drops an ICMPv6 error
from a NAT real server about a known connection (handle_response_icmp checks the
ICMPv6 checksum without the IPv6 pseudo-header, so it fails unless the NIC had
validated it; the same message about an unknown connection is forwarded). The
Python path rewrites it like its IPv4 counterpart (see test_packet_fixtures).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from pathlib import Path

import pytest
from scapy.layers.inet import GRE, UDP
from scapy.layers.l2 import Ether

from pylvs.core.constants import AF_INET, AF_INET6, TunFlag, TunType
from pylvs.packet.dr import dr_forward
from pylvs.packet.ethernet import mac_bytes
from pylvs.packet.icmp_nat import nat_icmp_in, nat_icmp_out
from pylvs.packet.icmp_reply import port_unreachable
from pylvs.packet.nat import nat_in, nat_out
from pylvs.packet.parse import Parsed, parse_frame
from pylvs.packet.result import Refusal
from pylvs.packet.tunnel import tun_encap
from tests.fixtures.packets import describe_mismatch

GOLDEN = Path(__file__).resolve().parents[1] / "golden" / "packet" / "oracle_frames.txt"

DC, DR, CL = mac_bytes("02:00:00:00:00:01"), mac_bytes("02:00:00:00:00:02"), mac_bytes(
    "02:00:00:00:01:00"
)


def ip(a: str) -> bytes:
    return ipaddress.ip_address(a).packed


def rs_mac(n: int, v6: bool = False) -> bytes:
    return mac_bytes(f"02:00:00:00:{'06' if v6 else '01'}:{n - 100}")


VIP, VIP6 = ip("198.18.0.150"), ip("2001:db8::150")
RIP = {n: ip(f"198.19.0.{n}") for n in (171, 172, 173, 174, 175)}
RIP6 = {n: ip(f"2001:db8:1::{n}") for n in (171, 172, 173, 175)}
DIP_RS, DIP6_RS = ip("198.19.0.1"), ip("2001:db8:1::1")

Xform = Callable[[bytes, Parsed, Callable[[], int]], object]


def _dr(n: int, v6: bool = False, mtu: int = 0) -> Xform:
    return lambda f, p, r: dr_forward(f, p, rs_mac(n, v6), DR, mtu=mtu, rand32=r)


def _nat_in(addr: bytes, port: int, mac: bytes, mtu: int = 0) -> Xform:
    return lambda f, p, r: nat_in(f, p, addr, port, mac, DR, mtu=mtu, rand32=r)


def _nat_out(addr: bytes, port: int, mtu: int = 0) -> Xform:
    return lambda f, p, r: nat_out(f, p, addr, port, CL, DC, mtu=mtu, rand32=r,
                                   reply_saddr=DIP_RS)


def _tun(daf: int, n: int, mtu: int = 0, **kw: int) -> Xform:
    if daf == AF_INET:
        return lambda f, p, r: tun_encap(
            f, p, daf, DIP_RS, RIP[n], rs_mac(n), DR, mtu=mtu, rand32=r, **kw
        )
    return lambda f, p, r: tun_encap(
        f, p, daf, DIP6_RS, RIP6[n], rs_mac(n, True), DR, mtu=mtu, rand32=r, **kw
    )


def _gue(daf: int, flags: int) -> Xform:
    """GUE: the UDP source port is the kernel's flow hash, read back from its frame."""
    def run(f: bytes, p: Parsed, r: Callable[[], int]) -> object:
        want = next(outs for name, frame, outs in ORACLE if frame == f)[0]
        udp = 14 + (20 if want[12:14] == b"\x08\x00" else 40)
        sport = int.from_bytes(want[udp : udp + 2], "big")
        return _tun(daf, 172, tun_type=TunType.GUE, tun_port=6080, tun_flags=flags,
                    gue_sport=sport)(f, p, r)
    return run


def _reject() -> Xform:
    return lambda f, p, r: port_unreachable(f, p, r)


CASES: dict[str, Xform] = {
    "dr_tcp_syn": _dr(171),
    "dr_ttl1": _dr(171),
    "dr_ipopts": _dr(171),
    "dr_icmp_in": _dr(171),
    "nat_tcp_syn": _nat_in(RIP[173], 80, rs_mac(173)),
    "nat_tcp_reply": _nat_out(VIP, 8080),
    "nat_udp": _nat_in(RIP[173], 5353, rs_mac(173)),
    "nat_udp_zero": _nat_in(RIP[173], 5353, rs_mac(173)),
    "nat_udp_reply": _nat_out(VIP, 53),
    "nat_udp_reply_zero": _nat_out(VIP, 53),
    "nat_icmp_in": lambda f, p, r: nat_icmp_in(f, p, RIP[173], 5353, rs_mac(173), DR, rand32=r),
    "nat_icmp_out": lambda f, p, r: nat_icmp_out(f, p, VIP, 53, CL, DC, rand32=r),
    "nat_icmp_in_tcp": lambda f, p, r: nat_icmp_in(f, p, RIP[173], 80, rs_mac(173), DR, rand32=r),
    "tun_tcp_ce_df": _tun(AF_INET, 172),
    "tun_tcp_ect0": _tun(AF_INET, 172),
    "tun_udp_v6dest": _tun(AF_INET6, 172),
    "tun_gre": _tun(AF_INET, 172, tun_type=TunType.GRE),
    "tun_gre_csum": _tun(AF_INET, 172, tun_type=TunType.GRE, tun_flags=TunFlag.CSUM),
    "tun_gue": _gue(AF_INET, 0),
    "tun_gue_csum": _gue(AF_INET, TunFlag.CSUM),
    "tun6_gre": _tun(AF_INET6, 172, tun_type=TunType.GRE),
    "tun6_gue_csum": _gue(AF_INET6, TunFlag.CSUM),
    "noport_tcp": _reject(),
    "noport_udp": _reject(),
    "dr_mtu_df": _dr(174, mtu=1000),
    "nat_mtu_df": _nat_in(RIP[174], 92, rs_mac(174), mtu=1000),
    "tun_mtu_df": _tun(AF_INET, 175, mtu=1000),
    "tun_mtu_fits": _tun(AF_INET, 175, mtu=1000),
    "nat_reply_mtu_df": _nat_out(VIP, 8080, mtu=1000),
    "nat_reply_ttl1": _nat_out(VIP, 8080),
    "dr6_tcp": _dr(171, v6=True),
    "nat6_tcp": _nat_in(RIP6[173], 80, rs_mac(173, True)),
    "nat6_tcp_reply": lambda f, p, r: nat_out(f, p, VIP6, 8080, CL, DC, rand32=r),
    "nat6_udp": _nat_in(RIP6[173], 5353, rs_mac(173, True)),
    "tun6_tcp": _tun(AF_INET6, 172),
    "tun6_v4dest": _tun(AF_INET, 172),
    "noport6_udp": _reject(),
    "tun6_mtu": _tun(AF_INET6, 175, mtu=1400),
}


# The kernel leaves these outer checksums to offload (CHECKSUM_PARTIAL: GRE field 0,
# UDP field = pseudo-header sum) and the capture shows them unfinished; on the wire
# they are complete, as the Python path writes them.
OFFLOADED_OUTER_CSUM = {"tun_gre_csum", "tun_gue_csum", "tun6_gue_csum"}


def _complete_outer_checksum(frame: bytes) -> bytes:
    e = Ether(frame)
    layer = e[GRE] if GRE in e else e[UDP]
    layer.chksum = None
    return bytes(e)


SENDER_IS_NEIGHBOUR = {"nat_reply_mtu_df", "nat_reply_ttl1"}


def _load() -> list[tuple[str, bytes, list[bytes]]]:
    cases: list[tuple[str, bytes, list[bytes]]] = []
    for line in GOLDEN.read_text().splitlines():
        parts = line.split()
        if parts and parts[0] == "CASE":
            cases.append((parts[1], bytes.fromhex(parts[3]), []))
        elif parts and parts[0] == "OUT":
            cases[-1][2].append(bytes.fromhex(parts[2]))
    return cases


ORACLE = _load()


def _random_field(out: bytes) -> int:
    """The value the kernel drew at random in ``out`` (IPv4 ID / IPv6 flow label)."""
    if out[12:14] == b"\x08\x00":
        return int.from_bytes(out[18:20], "big")
    return int.from_bytes(out[15:18], "big") & 0xFFFFF


def test_every_case_has_a_transform() -> None:
    names = {name for name, _, _ in ORACLE}
    assert names - set(CASES) <= {"nat6_icmp_out"}, names - set(CASES)
    assert set(CASES) <= names


@pytest.mark.parametrize(("name", "frame", "outs"), ORACLE, ids=[c[0] for c in ORACLE])
def test_matches_kernel(name: str, frame: bytes, outs: list[bytes]) -> None:
    if name not in CASES:
        assert outs == []  # the kernel emitted nothing; documented as not compared
        return
    assert len(outs) == 1, f"{name}: the kernel emitted {len(outs)} frames"
    want = outs[0]
    if name in OFFLOADED_OUTER_CSUM:
        want = _complete_outer_checksum(want)
    if name in SENDER_IS_NEIGHBOUR:
        # the oracle's real server sends from one MAC, the director's neighbour entry for
        # it says another; a real host has one: make the frame come from the neighbour's
        frame = frame[:6] + rs_mac(173) + frame[12:]
    p = parse_frame(frame)
    assert isinstance(p, Parsed), p
    got = CASES[name](frame, p, lambda: _random_field(want))
    if isinstance(got, Refusal):
        assert got.reply is not None, f"{name}: refused ({got.reason}) without a reply"
        got = got.reply
    assert isinstance(got, bytes)
    assert got == want, describe_mismatch(got, want)

"""Every case of the shared packet table through the Python parser and rewriters."""

from __future__ import annotations

import ipaddress
from typing import Any

import pytest

from pylvs.packet.dr import dr_forward
from pylvs.packet.drop import DropReason
from pylvs.packet.ethernet import mac_bytes
from pylvs.packet.icmp_nat import nat_icmp_in, nat_icmp_out
from pylvs.packet.icmp_reply import port_unreachable
from pylvs.packet.nat import nat_in, nat_out
from pylvs.packet.parse import Parsed, parse_frame
from pylvs.packet.result import Refusal
from pylvs.packet.tunnel import tun_encap
from tests.fixtures.packets import CASES, RAND, TRANSFORM_PARAMS, PacketCase, describe_mismatch

Outcome = tuple[bytes | None, bytes | None, str | None]  # (frame, reply, drop reason)


def _addr(text: str) -> bytes:
    return ipaddress.ip_address(text).packed


def _rand() -> int:
    return RAND


def _run(case: PacketCase) -> Outcome:
    p = parse_frame(case.frame, csum_not_ready=case.csum_not_ready)
    if isinstance(p, DropReason):
        return None, None, p.value
    assert isinstance(p, Parsed)
    kw: dict[str, Any] = dict(case.params)
    for key in ("dst_mac", "src_mac"):
        if key in kw:
            kw[key] = mac_bytes(kw[key])
    for key in ("daddr", "saddr", "vaddr", "reply_saddr"):
        if kw.get(key):
            kw[key] = _addr(kw[key])
    t = case.transform
    res: bytes | Refusal | None
    if t == "parse":
        return None, None, None
    if t == "reject":
        return None, port_unreachable(case.frame, p, _rand), None
    if t == "dr":
        res = dr_forward(case.frame, p, kw.pop("dst_mac"), kw.pop("src_mac"), rand32=_rand, **kw)
    elif t in ("nat_in", "nat_out", "nat_icmp_in", "nat_icmp_out"):
        fn = {"nat_in": nat_in, "nat_out": nat_out, "nat_icmp_in": nat_icmp_in,
              "nat_icmp_out": nat_icmp_out}[t]
        addr = kw.pop("daddr", None) or kw.pop("saddr", None) or kw.pop("vaddr")
        port = kw.pop("dport", None) or kw.pop("sport", None) or kw.pop("vport")
        res = fn(case.frame, p, addr, port, kw.pop("dst_mac"), kw.pop("src_mac"), rand32=_rand,
                 **kw)
    elif t == "tun":
        res = tun_encap(case.frame, p, kw.pop("daf"), kw.pop("saddr"), kw.pop("daddr"),
                        kw.pop("dst_mac"), kw.pop("src_mac"), rand32=_rand, **kw)
    else:
        raise AssertionError(f"unknown transform {t!r}")
    if isinstance(res, Refusal):
        return None, res.reply, res.reason.value
    return res, None, None


def test_table_is_well_formed() -> None:
    names = [c.name for c in CASES]
    assert len(names) == len(set(names))
    for c in CASES:
        assert c.transform in TRANSFORM_PARAMS, c.name
        assert set(c.params) <= set(TRANSFORM_PARAMS[c.transform]), c.name
        assert c.expect_drop is None or c.expect_drop in {r.value for r in DropReason}, c.name


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_packet_case(case: PacketCase) -> None:
    frame, reply, drop = _run(case)
    assert drop == case.expect_drop, f"{case.description}: drop {drop!r}"
    assert frame == case.expect_frame, describe_mismatch(frame, case.expect_frame)
    assert reply == case.expect_reply, describe_mismatch(reply, case.expect_reply)

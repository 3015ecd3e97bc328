"""Packet-layer costs: parse and rewrite per frame, in microseconds, measured in one run.

Usage: .venv/bin/python bench/packet.py [--quick]

Frames are built once (no scapy: plain bytes); each figure is the fastest of
repeated batches (the least disturbed by other load on the machine), also given
as a multiple of ``calib``: one ``struct.unpack_from`` of an IPv4 header in a
Python function, measured in the same run. Prints one line per measurement and
ends with ``parse_v4_us=... dr_us=... nat_us=... tun_us=... icmp_us=... calib_us=...``
plus the rate the parse alone would allow on one core.
"""

from __future__ import annotations

import argparse
import struct
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from pylvs.core.constants import AF_INET
from pylvs.packet.checksum import checksum, pseudo_sum
from pylvs.packet.dr import dr_forward
from pylvs.packet.nat import nat_in
from pylvs.packet.parse import Parsed, parse_frame
from pylvs.packet.tunnel import tun_encap

CIP, VIP, RIP = bytes([198, 18, 0, 100]), bytes([198, 18, 0, 150]), bytes([198, 19, 0, 171])
CIP6 = bytes.fromhex("20010db8000000000000000000000100")
VIP6 = bytes.fromhex("20010db8000000000000000000000150")
MAC1, MAC2 = b"\x02\0\0\0\0\x01", b"\x02\0\0\0\0\x02"


def tcp_segment(src: bytes, dst: bytes, payload: bytes) -> bytes:
    seg = bytearray(struct.pack("!HHIIBBHHH", 40000, 80, 1, 0, 0x50, 0x10, 64240, 0, 0))
    seg += payload
    c = checksum(seg, pseudo_sum(src, dst, 6, len(seg)))
    seg[16:18] = c.to_bytes(2, "big")
    return bytes(seg)


def frame_v4(payload: bytes) -> bytes:
    seg = tcp_segment(CIP, VIP, payload)
    hdr = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(seg), 1, 0x4000, 64, 6, 0,
                                CIP, VIP))
    hdr[10:12] = checksum(hdr).to_bytes(2, "big")
    return MAC1 + MAC2 + b"\x08\x00" + bytes(hdr) + seg


def frame_v6(payload: bytes) -> bytes:
    seg = tcp_segment(CIP6, VIP6, payload)
    hdr = struct.pack("!IHBB16s16s", 6 << 28, len(seg), 6, 64, CIP6, VIP6)
    return MAC1 + MAC2 + b"\x86\xdd" + hdr + seg


def per_call_us(fn: Callable[[], object], batch: int, rounds: int) -> float:
    samples = []
    for _ in range(rounds):
        t0 = time.perf_counter()
        for _ in range(batch):
            fn()
        samples.append((time.perf_counter() - t0) / batch * 1e6)
    return min(samples)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--quick", action="store_true", help="fewer, smaller batches")
    args = ap.parse_args()
    batch, rounds = (2000, 5) if args.quick else (20000, 9)

    small4, big4 = frame_v4(b"x" * 64), frame_v4(b"x" * 1400)
    small6 = frame_v6(b"x" * 64)
    p4 = parse_frame(small4)
    pb = parse_frame(big4)
    assert isinstance(p4, Parsed) and isinstance(pb, Parsed)
    mv = memoryview(bytearray(small4))
    hdr = struct.Struct("!BBHHHBBH4s4s")

    def calib() -> object:
        return hdr.unpack_from(mv, 14)

    figures = {
        "calib_us": per_call_us(calib, batch, rounds),
        "parse_v4_us": per_call_us(lambda: parse_frame(mv), batch, rounds),
        "parse_v4_nocsum_us": per_call_us(
            lambda: parse_frame(mv, verify_ip_checksum=False), batch, rounds),
        "parse_v6_us": per_call_us(lambda: parse_frame(small6), batch, rounds),
        "dr_us": per_call_us(lambda: dr_forward(small4, p4, MAC1, MAC2), batch, rounds),
        "nat_us": per_call_us(lambda: nat_in(small4, p4, RIP, 8080, MAC1, MAC2), batch, rounds),
        "nat_1400B_us": per_call_us(
            lambda: nat_in(big4, pb, RIP, 8080, MAC1, MAC2), batch, rounds),
        "tun_us": per_call_us(
            lambda: tun_encap(small4, p4, AF_INET, RIP, RIP, MAC1, MAC2), batch, rounds),
        "icmp_us": per_call_us(
            lambda: dr_forward(big4, pb, MAC1, MAC2, mtu=1000), batch // 2, rounds),
    }
    for k, v in figures.items():
        print(f"{k:20s} {v:7.2f} us/frame  {v / figures['calib_us']:6.1f} x calib")
    parse_rate = 1e6 / figures["parse_v4_us"]
    both = 1e6 / (figures["parse_v4_us"] + figures["dr_us"])
    print(f"parse alone: {parse_rate:,.0f} frames/s; parse + DR rewrite: {both:,.0f} frames/s")
    summary = " ".join(f"{k}={v:.2f}" for k, v in figures.items())
    print(f"{summary} parse_fps={parse_rate:.0f} parse_dr_fps={both:.0f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

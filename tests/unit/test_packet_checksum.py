"""Internet checksum, RFC 1624 incremental update, offload completion, CRC32c."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st
from scapy.layers.inet import IP, UDP
from scapy.layers.l2 import Ether
from scapy.packet import Raw

from pylvs.packet.checksum import (
    checksum,
    complete_partial,
    ones_sum,
    pseudo_sum,
    replace,
    replace16,
)
from pylvs.packet.sctp import crc32c


def naive_sum(data: bytes) -> int:
    """RFC 1071 the slow way: add 16-bit words, fold the carries."""
    if len(data) % 2:
        data += b"\0"
    s = 0
    for i in range(0, len(data), 2):
        s += (data[i] << 8) | data[i + 1]
        s = (s & 0xFFFF) + (s >> 16)
    return s


@settings(max_examples=300)
@given(st.binary(max_size=300))
def test_ones_sum_matches_word_by_word_folding(data: bytes) -> None:
    assert ones_sum(data) == naive_sum(data)


def test_known_vectors() -> None:
    # RFC 1071 section 3 example: words 0001 f203 f4f5 f6f7 sum to ddf2
    assert ones_sum(bytes.fromhex("0001f203f4f5f6f7")) == 0xDDF2
    assert checksum(bytes.fromhex("0001f203f4f5f6f7")) == 0x220D
    # an IPv4 header with its checksum field zeroed (the classic example: 0xb861)
    hdr = bytes.fromhex("450000730000400040110000c0a80001c0a800c7")
    assert checksum(hdr) == 0xB861
    assert ones_sum(b"\xff\xff") == 0xFFFF and ones_sum(b"") == 0 and ones_sum(b"\0\0") == 0
    # the CRC32c check value (RFC 3720 B.4): 32 bytes of zeros
    assert crc32c(b"\0" * 32) == 0x8A9136AA
    assert crc32c(b"123456789") == 0xE3069283


@settings(max_examples=300)
@given(st.binary(min_size=2, max_size=200).filter(lambda d: len(d) % 2 == 0),
       st.data())
def test_incremental_update_equals_recomputation(data: bytes, draw: st.DataObject) -> None:
    n = len(data)
    start = draw.draw(st.integers(0, n // 2 - 1)) * 2
    width = draw.draw(st.sampled_from([2, 4, 16]))
    width = min(width, n - start) & ~1 or 2
    new = draw.draw(st.binary(min_size=width, max_size=width))
    old_c = checksum(data)
    changed = data[:start] + new + data[start + width :]
    got = replace(old_c, data[start : start + width], new)
    want = checksum(changed)
    # one's complement has two zeros: 0x0000 and 0xFFFF checksums verify alike
    assert got == want or {got, want} == {0, 0xFFFF}
    assert naive_sum(changed + got.to_bytes(2, "big")) == 0xFFFF or not any(changed)
    if width == 2:
        w = replace16(old_c, int.from_bytes(data[start : start + 2], "big"),
                      int.from_bytes(new, "big"))
        assert w == got


def test_complete_partial_udp_checksum() -> None:
    frame = bytes(Ether() / IP(src="198.18.0.100", dst="198.18.0.150") / UDP(sport=1, dport=53)
                  / Raw(b"hello"))
    want = frame[40:42]
    buf = bytearray(frame)
    src, dst = bytes([198, 18, 0, 100]), bytes([198, 18, 0, 150])
    buf[40:42] = pseudo_sum(src, dst, 17, 13).to_bytes(2, "big")  # what a sender leaves
    assert complete_partial(buf, 34, 6, udp=True) is None
    assert bytes(buf[40:42]) == want
    assert complete_partial(buf, 34, 100, udp=True) is not None

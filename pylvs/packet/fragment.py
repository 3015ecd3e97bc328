"""IPv4 fragmentation of a forwarded frame that is larger than the egress MTU (RFC 791)."""

from __future__ import annotations

from . import ipv4
from .checksum import Buffer
from .drop import DropReason

IPOPT_END = 0
IPOPT_NOOP = 1
IPOPT_COPY = 0x80


def copied_options(options: Buffer) -> bytes:
    """The options a later fragment repeats (copy flag set), padded to 4 bytes."""
    out = bytearray()
    i, n = 0, len(options)
    while i < n:
        t = options[i]
        if t == IPOPT_END:
            break
        if t == IPOPT_NOOP:
            i += 1
            continue
        if i + 1 >= n or options[i + 1] < 2 or i + options[i + 1] > n:
            break  # malformed: keep what was sound
        size = options[i + 1]
        if t & IPOPT_COPY:
            out += options[i : i + size]
        i += size
    out += b"\0" * (-len(out) % 4)
    return bytes(out)


def fragment_ipv4(frame: Buffer, l3_off: int, mtu: int) -> list[bytes] | DropReason:
    """Split the IPv4 packet of ``frame`` into frames whose IP packets fit ``mtu``.

    Each fragment keeps the L2 header of ``frame``. The first fragment keeps every
    option, later ones only the copied ones; a packet that is itself a fragment
    keeps its offset and MF. A DF packet is refused (it needs frag-needed instead).
    """
    l2 = bytes(frame[:l3_off])
    vihl = frame[l3_off]
    hlen = (vihl & 0x0F) * 4
    tot = (frame[l3_off + 2] << 8) | frame[l3_off + 3]
    if tot <= mtu:
        return [bytes(frame[: l3_off + tot])]
    frag = (frame[l3_off + 6] << 8) | frame[l3_off + 7]
    if frag & ipv4.IP_DF:
        return DropReason.FRAG_NEEDED
    header = bytes(frame[l3_off : l3_off + hlen])
    later = header[:20] + copied_options(header[20:])
    data = memoryview(bytes(frame[l3_off + hlen : l3_off + tot]))
    if (mtu - hlen) // 8 < 1 or (mtu - len(later)) // 8 < 1:
        return DropReason.MTU_TOO_SMALL
    base_off = frag & ipv4.IP_OFFMASK
    last_mf = bool(frag & ipv4.IP_MF)
    out: list[bytes] = []
    pos = 0
    hdr = header
    while pos < len(data):
        room = (mtu - len(hdr)) & ~7
        chunk = data[pos : pos + room]
        more = pos + len(chunk) < len(data)
        h = bytearray(hdr)
        h[0] = 0x40 | (len(hdr) // 4)
        length = len(hdr) + len(chunk)
        h[2] = length >> 8
        h[3] = length & 0xFF
        field = (base_off + pos // 8) | (ipv4.IP_MF if more or last_mf else 0)
        h[6] = field >> 8
        h[7] = field & 0xFF
        ipv4.set_header_checksum(h, 0, len(h))
        out.append(l2 + bytes(h) + bytes(chunk))
        pos += len(chunk)
        hdr = later
    return out

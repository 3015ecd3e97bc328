"""Address and port arguments as ipvsadm parses and prints them (``inet_aton``, ``[v6]:port``)."""

from __future__ import annotations

import ipaddress
import re
from dataclasses import dataclass

from pylvs.core.constants import AF_INET, AF_INET6
from pylvs.ipvsadm.resolve import Resolver

_BASE_DIGITS = {8: "01234567", 10: "0123456789", 16: "0123456789abcdefABCDEF"}


def _c_ulong(text: str) -> int | None:
    """One ``inet_aton`` part: decimal, ``0x`` hex or ``0`` octal; None if malformed."""
    base = 10
    if text[:2] in ("0x", "0X"):
        base, text = 16, text[2:]
    elif len(text) > 1 and text[0] == "0":
        base, text = 8, text[1:]
    if not text or any(ch not in _BASE_DIGITS[base] for ch in text):
        return None
    return int(text, base)


_OCTET = r"(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)"
_DOTTED_QUAD = re.compile(rf"(?:{_OCTET}\.){{3}}{_OCTET}")  # the common case, parsed fast


def inet_aton(text: str) -> bytes | None:
    """The C library's ``inet_aton``: ``10.1`` and ``0x0a.1`` forms included; None if invalid."""
    if _DOTTED_QUAD.fullmatch(text):
        return bytes(int(part) for part in text.split("."))
    for i, ch in enumerate(text):
        if ch.isspace():
            text = text[:i]
            break
    if not text or not text[0].isdigit():
        return None
    parts = text.split(".")
    if len(parts) > 4:
        return None
    values = [_c_ulong(p) for p in parts]
    if any(v is None for v in values):
        return None
    nums = [v for v in values if v is not None]
    *head, last = nums
    if any(v > 255 for v in head) or last >= 1 << (8 * (4 - len(head))):
        return None
    value = 0
    for v in head:
        value = value << 8 | v
    value = value << (8 * (4 - len(head))) | last
    return value.to_bytes(4, "big")


def inet_pton6(text: str) -> bytes | None:
    """An IPv6 literal as ``inet_pton`` accepts it (no scope, no brackets); None if invalid."""
    if text.count(":") < 2 or "%" in text or any(ch.isspace() for ch in text):
        return None
    try:
        return ipaddress.IPv6Address(text).packed
    except ValueError:
        return None


def ntop6(addr: bytes) -> str:
    """An IPv6 address as the C library's ``inet_ntop`` writes it."""
    words = [int.from_bytes(addr[i : i + 2], "big") for i in range(0, 16, 2)]
    best_base, best_len, cur_base, cur_len = -1, 0, -1, 0
    for i, w in enumerate(words):
        if w == 0:
            if cur_base < 0:
                cur_base, cur_len = i, 1
            else:
                cur_len += 1
            if cur_len > best_len:
                best_base, best_len = cur_base, cur_len
        else:
            cur_base, cur_len = -1, 0
    if best_len < 2:
        best_base = -1
    out = ""
    i = 0
    while i < 8:
        if i == best_base:
            out += ":"
            i += best_len
            if i == 8:
                out += ":"
            continue
        if i:
            out += ":"
        if i == 6 and best_base == 0 and (best_len == 6 or (best_len == 5 and words[5] == 0xFFFF)):
            out += ".".join(str(b) for b in addr[12:16])
            break
        out += f"{words[i]:x}"
        i += 1
    return out


def ntop(af: int, addr: bytes) -> str:
    """Numeric text of an address of family ``af``."""
    if af == AF_INET6:
        return ntop6(addr)
    if len(addr) == 4:
        return f"{addr[0]}.{addr[1]}.{addr[2]}.{addr[3]}"
    return ".".join(str(b) for b in addr)


def c_number(text: str, low: int, high: int) -> int | None:
    """ipvsadm's ``string_to_number``: base-10 ``strtol`` of the whole string, within range."""
    body = text.lstrip(" \t\n\r\f\v")
    sign = 1
    if body[:1] in ("+", "-"):
        sign = -1 if body[0] == "-" else 1
        body = body[1:]
    if not body or not body.isascii() or not body.isdigit():
        return None
    value = sign * int(body)
    return value if low <= value <= high else None


@dataclass(slots=True)
class HostPort:
    """A parsed ``host[:port]`` argument."""

    af: int
    addr: bytes
    port: int | None  # None when no port was given


# a plain dotted quad with an optional plain port: no other form gives another result
PLAIN_V4_PORT = re.compile(
    r"((?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])\.){3}"
    r"(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])(?::([0-9]{1,5}))?"
)


def parse_host_port(text: str, protocol: int, resolver: Resolver) -> HostPort | None:
    """``-t/-u/--sctp-service/-r`` argument (ipvsadm's ``parse_service``); None if illegal."""
    plain = PLAIN_V4_PORT.fullmatch(text)
    if plain is not None:
        port_text = plain[2]
        if port_text is None:
            return HostPort(AF_INET, bytes(map(int, text.split("."))), None)
        port = int(port_text)
        if port <= 65535:
            host = text[: plain.start(2) - 1]
            return HostPort(AF_INET, bytes(map(int, host.split("."))), port)
    if text == "" or (text.isdigit() and text.isascii()):
        return None
    buf = text
    port_text: str | None = None
    if buf.startswith("["):
        buf = buf[1:]
        end = buf.find("]")
        if end < 0:
            return None
        rest = buf[end + 1 :]
        buf = buf[:end]
        if not rest.startswith(":"):
            return None
        port_text = rest[1:]
    addr6 = inet_pton6(buf)
    if addr6 is not None:
        host = HostPort(AF_INET6, addr6, None)
    else:
        colon = buf.rfind(":")
        # an IPv4 address in brackets loses the port text found after "]"
        port_text = buf[colon + 1 :] if colon >= 0 else None
        if colon >= 0:
            buf = buf[:colon]
        addr4 = inet_aton(buf)
        if addr4 is None:
            addr4 = resolver.host_v4(buf)
        if addr4 is None:
            return None
        host = HostPort(AF_INET, addr4, None)
    if port_text is not None:
        port = c_number(port_text, 0, 65535)
        if port is None:
            port = resolver.port(port_text, protocol) if port_text else None
        if port is None:
            return None
        host.port = port
    return host

"""Who answers ARP for an address on a segment: one request, every reply collected.

Run inside a namespace: ``python -m pylvs.lab.arpprobe eth0 198.18.0.150``. Prints one line
per distinct answering MAC, so a duplicate answer (the LVS-DR "ARP problem") is visible.
"""

from __future__ import annotations

import argparse
import fcntl
import ipaddress
import socket
import struct
import sys
import time

ETH_P_ARP = 0x0806
SIOCGIFADDR = 0x8915
BROADCAST = b"\xff" * 6


def _own_ipv4(interface: str) -> bytes:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        req = struct.pack("256s", interface.encode()[:15])
        return fcntl.ioctl(s.fileno(), SIOCGIFADDR, req)[20:24]


def request_frame(src_mac: bytes, src_ip: bytes, target_ip: bytes) -> bytes:
    """A broadcast ARP who-has ``target_ip`` from ``src_mac``/``src_ip``."""
    eth = BROADCAST + src_mac + struct.pack("!H", ETH_P_ARP)
    arp = struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + src_mac + src_ip + b"\0" * 6 + target_ip
    return eth + arp


def parse_reply(frame: bytes, target_ip: bytes) -> bytes | None:
    """The sender MAC of an ARP reply about ``target_ip``, or None for any other frame."""
    if len(frame) < 42 or frame[12:14] != struct.pack("!H", ETH_P_ARP):
        return None
    op = struct.unpack("!H", frame[20:22])[0]
    if op != 2 or frame[28:32] != target_ip:
        return None
    return frame[22:28]


def probe(interface: str, target: str, wait: float = 1.0, tries: int = 2) -> list[str]:
    """The distinct MACs (``aa:bb:...``) that answer ARP for ``target`` on ``interface``."""
    target_ip = ipaddress.IPv4Address(target).packed
    with socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ARP)) as sock:
        sock.bind((interface, ETH_P_ARP))
        src_mac = sock.getsockname()[4]
        frame = request_frame(src_mac, _own_ipv4(interface), target_ip)
        seen: list[str] = []
        for _ in range(tries):
            sock.send(frame)
            deadline = time.monotonic() + wait / tries
            while (left := deadline - time.monotonic()) > 0:
                sock.settimeout(left)
                try:
                    data = sock.recv(2048)
                except TimeoutError:
                    break
                mac = parse_reply(data, target_ip)
                if mac is not None and mac.hex(":") not in seen:
                    seen.append(mac.hex(":"))
    return seen


def main(argv: list[str] | None = None) -> int:
    """Print each MAC that answers; exit 1 when nobody does."""
    parser = argparse.ArgumentParser(prog="python -m pylvs.lab.arpprobe")
    parser.add_argument("interface")
    parser.add_argument("address")
    parser.add_argument("--wait", type=float, default=1.0, help="seconds to collect replies")
    args = parser.parse_args(argv)
    try:
        macs = probe(args.interface, args.address, args.wait)
    except (OSError, ValueError) as exc:
        print(f"arpprobe: {exc}", file=sys.stderr)
        return 2
    for mac in macs:
        print(mac)
    return 0 if macs else 1


if __name__ == "__main__":
    sys.exit(main())

"""The lab real servers' small UDP echo server (and TCP byte counter).

UDP: every datagram is answered with ``NAME PORT DATA`` (the host's name, the port it
came to, the bytes received), sent *from the address it was sent to* (IP_PKTINFO /
IPV6_PKTINFO), as a real server behind LVS-DR or LVS-TUN must: from the VIP, not from the
interface's own address.
TCP: each connection's bytes are read up to the client's end of stream and answered with
``NAME COUNT SHA256HEX``, so a client can tell a large transfer arrived whole.

Run as ``python -m pylvs.lab.echo --name rs1 --port 9000 --port 9090``; it listens on
every given port, IPv4 and IPv6, until SIGTERM.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import selectors
import signal
import socket
import struct
import sys
import threading
from pathlib import Path

_PKTINFO4 = struct.Struct("=i4s4s")  # struct in_pktinfo: ifindex, spec_dst, addr
_PKTINFO6 = struct.Struct("=16si")  # struct in6_pktinfo: addr, ifindex
_IP_PKTINFO = getattr(socket, "IP_PKTINFO", 8)
_IPV6_RECVPKTINFO = getattr(socket, "IPV6_RECVPKTINFO", 49)
_IPV6_PKTINFO = getattr(socket, "IPV6_PKTINFO", 50)


def udp_sockets(port: int) -> list[socket.socket]:
    """An IPv4 and an IPv6 UDP socket on ``port`` that report each datagram's destination."""
    v4 = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    v4.setsockopt(socket.IPPROTO_IP, _IP_PKTINFO, 1)
    v4.bind(("0.0.0.0", port))
    v6 = socket.socket(socket.AF_INET6, socket.SOCK_DGRAM)
    v6.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
    v6.setsockopt(socket.IPPROTO_IPV6, _IPV6_RECVPKTINFO, 1)
    v6.bind(("::", port))
    return [v4, v6]


def tcp_sockets(port: int) -> list[socket.socket]:
    """Listening IPv4 and IPv6 TCP sockets on ``port``."""
    found = []
    for family, host in ((socket.AF_INET, "0.0.0.0"), (socket.AF_INET6, "::")):
        s = socket.socket(family, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family == socket.AF_INET6:
            s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
        s.bind((host, port))
        s.listen(64)
        found.append(s)
    return found


def answer_datagram(sock: socket.socket, name: bytes) -> None:
    """Receive one datagram on ``sock``; echo it after ``name`` and the port, from its target."""
    space = socket.CMSG_SPACE(max(_PKTINFO4.size, _PKTINFO6.size))
    data, ancdata, _flags, peer = sock.recvmsg(65535, space)
    reply = b"%s %d %s" % (name, sock.getsockname()[1], data)
    cmsgs = []
    for level, kind, raw in ancdata:
        if level == socket.IPPROTO_IP and kind == _IP_PKTINFO:
            _ifindex, _spec, target = _PKTINFO4.unpack(raw[:_PKTINFO4.size])
            cmsgs.append((socket.IPPROTO_IP, _IP_PKTINFO, _PKTINFO4.pack(0, target, bytes(4))))
        elif level == socket.IPPROTO_IPV6 and kind == _IPV6_PKTINFO:
            target6, _ifindex = _PKTINFO6.unpack(raw[:_PKTINFO6.size])
            cmsgs.append((socket.IPPROTO_IPV6, _IPV6_PKTINFO, _PKTINFO6.pack(target6, 0)))
    sock.sendmsg([reply], cmsgs, 0, peer)


def count_stream(conn: socket.socket, name: bytes) -> None:
    """Read ``conn`` to its end, answer ``NAME COUNT SHA256``, close."""
    with conn:
        conn.settimeout(60)
        digest = hashlib.sha256()
        count = 0
        try:
            while chunk := conn.recv(65536):
                digest.update(chunk)
                count += len(chunk)
            conn.sendall(b"%s %d %s\n" % (name, count, digest.hexdigest().encode()))
        except OSError:
            pass


def serve(name: str, ports: list[int], pidfile: Path | None = None) -> None:
    """Bind every port, write ``pidfile``, then serve UDP echo and TCP counting until SIGTERM."""
    label = name.encode()
    sel = selectors.DefaultSelector()
    for port in ports:
        for s in udp_sockets(port):
            sel.register(s, selectors.EVENT_READ, "udp")
        for s in tcp_sockets(port):
            sel.register(s, selectors.EVENT_READ, "tcp")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    if pidfile is not None:
        pidfile.write_text(f"{os.getpid()}\n")
    while not stop.is_set():
        for key, _ in sel.select(timeout=0.5):
            sock = key.fileobj
            assert isinstance(sock, socket.socket)
            try:
                if key.data == "udp":
                    answer_datagram(sock, label)
                else:
                    conn, _peer = sock.accept()
                    threading.Thread(target=count_stream, args=(conn, label),
                                     daemon=True).start()
            except OSError as exc:
                print(f"echo: {exc}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    """Command line: ``--name NAME --port P [--port P ...] [--pidfile FILE]``."""
    parser = argparse.ArgumentParser(prog="python -m pylvs.lab.echo")
    parser.add_argument("--name", required=True, help="the host name to answer with")
    parser.add_argument("--port", type=int, action="append", required=True,
                        help="a UDP and TCP port to serve (repeat)")
    parser.add_argument("--pidfile", type=Path, help="write the pid here once listening")
    args = parser.parse_args(argv)
    try:
        serve(args.name, args.port, args.pidfile)
    except OSError as exc:
        print(f"echo: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())

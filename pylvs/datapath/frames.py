"""The per-frame hot path: parse, ask core, act; and the batched socket drain."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable

from pylvs.core.ipvs import IPVS
from pylvs.core.meta import Direction
from pylvs.datapath.afpacket import (
    ANC_BUFSIZE,
    PACKET_OUTGOING,
    TP_STATUS_CSUMNOTREADY,
    parse_auxdata,
)
from pylvs.datapath.counters import Counters
from pylvs.datapath.forward import Forwarder, outer_daddr
from pylvs.packet.drop import DropReason
from pylvs.packet.parse import parse_frame

IN = int(Direction.IN)
OUT = int(Direction.OUT)
MAX_ERRORS_LOGGED = 10  # then only the internal-error counter grows


class FrameHandler:
    """Turns received frames into core verdicts and carries them out."""

    def __init__(self, ipvs: IPVS, forwarder: Forwarder, counters: Counters,
                 rand32: Callable[[], int], log: logging.Logger | None = None) -> None:
        self.ipvs = ipvs
        self.log = log
        self._errors_logged = 0
        self.forwarder = forwarder
        self.counters = counters
        self.rand32 = rand32
        self.vips: frozenset[bytes] = frozenset()  # a packet towards one of these travels IN

    def set_vips(self, addrs: frozenset[bytes]) -> None:
        """The VIP addresses (both families), to tell client packets from NAT replies."""
        self.vips = addrs

    def handle(self, buf: bytearray, n: int, status: int, ifindex: int, now: float) -> None:
        """One received frame of ``n`` bytes at the start of ``buf``."""
        counters = self.counters
        counters.rx += 1
        frame = memoryview(buf)[:n]
        p = parse_frame(frame, csum_not_ready=bool(status & TP_STATUS_CSUMNOTREADY))
        if isinstance(p, DropReason):
            counters.drop(p.value)
            return
        meta = p.meta
        if meta is None:  # pragma: no cover - parse_frame always sets it on success
            counters.drop("parse")
            return
        daddr = outer_daddr(frame, p) if meta.related else meta.daddr
        meta.direction = IN if daddr in self.vips else OUT
        verdict = self.ipvs.process(meta, now, self.rand32)
        self.forwarder.apply(verdict, meta, frame, p, ifindex, now)

    def drain(self, sock: socket.socket, ifindex: int, buf: bytearray, batch: int,
              now: float) -> int:
        """Handle up to ``batch`` frames waiting on ``sock``; how many were read."""
        bufs = [memoryview(buf)]
        recv = sock.recvmsg_into
        handle = self.handle
        got = 0
        for _ in range(batch):
            try:
                n, anc, _flags, addr = recv(bufs, ANC_BUFSIZE)
            except (BlockingIOError, InterruptedError):
                break
            except OSError:
                self.counters.drop("rx-error")
                break
            got += 1
            if addr[2] == PACKET_OUTGOING:
                continue
            try:
                handle(buf, n, parse_auxdata(anc) if anc else 0, ifindex, now)
            except Exception:
                self.counters.drop("internal-error")
                if self.log is not None and self._errors_logged < MAX_ERRORS_LOGGED:
                    self._errors_logged += 1
                    self.log.exception("frame handling failed")
        return got

"""The per-frame hot path: parse, ask core, act; and the batched drain of a socket or ring."""

from __future__ import annotations

import logging
import socket
from collections.abc import Callable

from pylvs.core.constants import IPPROTO_TCP
from pylvs.core.ipvs import IPVS
from pylvs.core.meta import Direction, PacketMeta
from pylvs.datapath.afpacket import (
    ANC_BUFSIZE,
    PACKET_OUTGOING,
    TP_STATUS_COPY,
    TP_STATUS_CSUMNOTREADY,
    TP_STATUS_USER,
    TPACKET2_HDR,
    RxRing,
    parse_auxdata,
)
from pylvs.datapath.counters import Counters
from pylvs.datapath.forward import Forwarder, outer_daddr
from pylvs.packet.drop import DropReason
from pylvs.packet.parse import parse_frame

IN = int(Direction.IN)
OUT = int(Direction.OUT)
MAX_ERRORS_LOGGED = 10  # then only the internal-error counter grows
KERNEL_OWNED = bytes(4)  # TP_STATUS_KERNEL: hand a ring slot back


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
        # called before core runs a TCP packet that is not an ICMP error (the XDP datapath
        # carries in the state its program gave the connection there)
        self.pull: Callable[[PacketMeta], None] | None = None

    def set_vips(self, addrs: frozenset[bytes]) -> None:
        """The VIP addresses (both families), to tell client packets from NAT replies."""
        self.vips = addrs

    def handle(self, frame: memoryview, status: int, ifindex: int, now: float) -> None:
        """One received frame; ``status`` holds its TP_STATUS bits (checksum state)."""
        self.counters.rx += 1
        p = parse_frame(frame, csum_not_ready=status & TP_STATUS_CSUMNOTREADY != 0)
        if isinstance(p, DropReason):
            self.counters.drop(p.value)
            return
        meta = p.meta
        if meta is None:  # pragma: no cover - parse_frame always sets it on success
            self.counters.drop("parse")
            return
        if meta.related:
            meta.direction = IN if outer_daddr(frame, p) in self.vips else OUT
        else:
            meta.direction = IN if meta.daddr in self.vips else OUT
            pull = self.pull
            if pull is not None and meta.protocol == IPPROTO_TCP:
                pull(meta)
        self.forwarder.apply(self.ipvs.process(meta, now, self.rand32), meta, frame, p,
                             ifindex, now)

    def _handle_safely(self, frame: memoryview, status: int, ifindex: int, now: float) -> None:
        try:
            self.handle(frame, status, ifindex, now)
        except Exception:
            self._failed()

    def _failed(self) -> None:
        """Count (and log the first few of) the frames whose handling raised."""
        self.counters.drop("internal-error")
        if self.log is not None and self._errors_logged < MAX_ERRORS_LOGGED:
            self._errors_logged += 1
            self.log.exception("frame handling failed")

    def _recv_one(self, sock: socket.socket, buf: bytearray) -> tuple[int, int] | None:
        """One frame from the socket queue into ``buf``: (length, status), None when empty."""
        while True:
            try:
                n, anc, _flags, addr = sock.recvmsg_into([buf], ANC_BUFSIZE)
            except (BlockingIOError, InterruptedError):
                return None
            except OSError:
                self.counters.drop("rx-error")
                return None
            if addr[2] != PACKET_OUTGOING:
                return n, parse_auxdata(anc) if anc else 0

    def drain(self, sock: socket.socket, ifindex: int, buf: bytearray, batch: int,
              now: float) -> int:
        """Handle up to ``batch`` frames waiting in ``sock``'s queue; how many were read."""
        view = memoryview(buf)
        got = 0
        for _ in range(batch):
            one = self._recv_one(sock, buf)
            if one is None:
                break
            got += 1
            self._handle_safely(view[: one[0]], one[1], ifindex, now)
        return got

    def drain_ring(self, ring: RxRing, sock: socket.socket, ifindex: int, buf: bytearray,
                   batch: int, now: float, settle: Callable[[], None] | None = None) -> int:
        """Handle up to ``batch`` frames from ``ring`` (in order); how many were taken.

        With ``settle``, the slots go back to the kernel only after ``settle()`` ran, at
        the end of the batch (and right after a frame read into ``buf``, which the next
        such frame reuses): the sender may hold the frames handled in place until then.
        """
        mem, view, size, frames = ring.map, ring.view, ring.frame_size, ring.frames
        unpack = TPACKET2_HDR.unpack_from
        got = 0
        first = ring.head
        try:
            for _ in range(batch):
                off = ring.head * size
                status, _len, snaplen, mac, _net = unpack(mem, off)
                if not status & TP_STATUS_USER:
                    break
                if status & TP_STATUS_COPY:
                    one = self._recv_one(sock, buf)
                    if one is not None:
                        self._handle_safely(memoryview(buf)[: one[0]], one[1], ifindex, now)
                        if settle is not None:
                            settle()
                    else:
                        self.counters.drop("ring-copy-lost")
                else:
                    try:
                        self.handle(view[off + mac : off + mac + snaplen], status, ifindex, now)
                    except Exception:
                        self._failed()
                if settle is None:
                    mem[off : off + 4] = KERNEL_OWNED
                ring.head = (ring.head + 1) % frames
                got += 1
        finally:
            if settle is not None:
                try:
                    settle()
                finally:
                    for i in range(got):
                        off = (first + i) % frames * size
                        mem[off : off + 4] = KERNEL_OWNED
        return got

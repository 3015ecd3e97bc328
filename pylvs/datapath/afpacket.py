"""AF_PACKET sockets: filtered, batched receive with PACKET_AUXDATA, and raw send."""

from __future__ import annotations

import contextlib
import ctypes
import mmap
import os
import socket
import struct
from collections.abc import Callable
from dataclasses import dataclass
from typing import cast

from pylvs.datapath.bpf import Insn, drop_all_filter, pack_program

SOL_PACKET = 263
PACKET_RX_RING = 5
PACKET_COPY_THRESH = 7
PACKET_AUXDATA = 8
PACKET_VERSION = 10
PACKET_QDISC_BYPASS = 20
TPACKET_V2 = 1
SO_ATTACH_FILTER = 26
ETH_P_ALL = 0x0003

PACKET_HOST = 0
PACKET_OUTGOING = 4

TP_STATUS_KERNEL = 0x00
TP_STATUS_USER = 0x01  # the frame slot belongs to user space
TP_STATUS_COPY = 0x02  # too big for the slot: the whole frame waits in the socket queue
TP_STATUS_CSUMNOTREADY = 0x08
TP_STATUS_VLAN_VALID = 0x10
TP_STATUS_CSUM_VALID = 0x80

AUXDATA = struct.Struct("=IIIHHHH")  # tp_status, len, snaplen, mac, net, vlan_tci, vlan_tpid
ANC_BUFSIZE = socket.CMSG_SPACE(AUXDATA.size)
FRAME_BUFSIZE = 65536 + 64  # a whole GSO frame fits
TPACKET2_HDR = struct.Struct("=IIIHH")  # tp_status, tp_len, tp_snaplen, tp_mac, tp_net
RING_BLOCK = 1 << 16  # bytes per ring block (a multiple of the page size)
RING_BLOCKS = 64  # 4 MiB of ring per interface


@dataclass(slots=True)
class AuxData:
    """What PACKET_AUXDATA told about one received frame."""

    status: int = 0
    vlan_tci: int = 0
    vlan_tpid: int = 0

    @property
    def csum_not_ready(self) -> bool:
        """The L4 checksum is partial (a local sender's offload): complete it before sending."""
        return bool(self.status & TP_STATUS_CSUMNOTREADY)

    @property
    def vlan_valid(self) -> bool:
        """The frame carried a VLAN tag that the kernel stripped (its TCI is ``vlan_tci``)."""
        return bool(self.status & TP_STATUS_VLAN_VALID)


def parse_auxdata(ancdata: list[tuple[int, int, bytes]]) -> int:
    """The tp_status of a frame's PACKET_AUXDATA control message (0 when absent)."""
    for level, typ, data in ancdata:
        if level == SOL_PACKET and typ == PACKET_AUXDATA and len(data) >= AUXDATA.size:
            return int(AUXDATA.unpack_from(data)[0])
    return 0


def read_auxdata(ancdata: list[tuple[int, int, bytes]]) -> AuxData:
    """The whole PACKET_AUXDATA of a frame (status, VLAN)."""
    for level, typ, data in ancdata:
        if level == SOL_PACKET and typ == PACKET_AUXDATA and len(data) >= AUXDATA.size:
            status, _, _, _, _, tci, tpid = AUXDATA.unpack_from(data)
            return AuxData(status, tci, tpid)
    return AuxData()


def attach_filter(sock: socket.socket, prog: list[Insn]) -> None:
    """Attach (or atomically replace) a classic BPF filter on ``sock``."""
    code = pack_program(prog)
    buf = ctypes.create_string_buffer(code, len(code))
    fprog = struct.pack("@HP", len(prog), ctypes.addressof(buf))
    sock.setsockopt(socket.SOL_SOCKET, SO_ATTACH_FILTER, fprog)


class RxRing:
    """A PACKET_RX_RING (TPACKET_V2) mapped into this process: frames without a syscall each.

    Slots are read in order; a slot whose frame did not fit is marked
    TP_STATUS_COPY and the whole frame is read from the socket queue instead.
    """

    def __init__(self, sock: socket.socket, mtu: int) -> None:
        frame_size = 2048
        while frame_size < mtu + 256:
            frame_size *= 2
        block = max(RING_BLOCK, frame_size)
        self.frame_size = frame_size
        self.frames = block // frame_size * RING_BLOCKS
        sock.setsockopt(SOL_PACKET, PACKET_VERSION, TPACKET_V2)
        sock.setsockopt(SOL_PACKET, PACKET_RX_RING,
                        struct.pack("=IIII", block, RING_BLOCKS, frame_size, self.frames))
        sock.setsockopt(SOL_PACKET, PACKET_COPY_THRESH, 1)
        self.map = mmap.mmap(sock.fileno(), block * RING_BLOCKS, mmap.MAP_SHARED,
                             mmap.PROT_READ | mmap.PROT_WRITE)
        self.view = memoryview(self.map)
        self.head = 0  # the next slot to look at

    def close(self) -> bool:
        """Unmap the ring; False when a frame view is still referenced (unmapped later)."""
        self.view.release()
        try:
            self.map.close()
        except BufferError:
            return False
        return True


def open_rx(ifname: str, prog: list[Insn], rcvbuf: int = 4 << 20, mtu: int = 0,
            ring: bool = True) -> tuple[socket.socket, RxRing | None]:
    """A non-blocking packet socket on ``ifname`` that sees only what ``prog`` accepts.

    With ``ring`` it gets a PACKET_RX_RING for an interface of MTU ``mtu`` (None
    in its place when the kernel refuses one: frames are then read with
    recvmsg). The filter is attached before the socket is bound to a protocol,
    so no frame slips in unfiltered.
    """
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    rx_ring: RxRing | None = None
    try:
        attach_filter(sock, drop_all_filter())
        sock.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        if ring:
            try:
                rx_ring = RxRing(sock, mtu or 1500)
            except OSError:
                rx_ring = None
        attach_filter(sock, prog)
        sock.bind((ifname, ETH_P_ALL))
        sock.setblocking(False)
    except BaseException:
        if rx_ring is not None:
            rx_ring.close()
        sock.close()
        raise
    return sock, rx_ring


def open_tx(ifname: str) -> socket.socket:
    """A packet socket that only sends frames on ``ifname`` (it receives nothing).

    Its frames bypass the qdisc (where the kernel allows it): they are built
    for the wire already, and so they are not copied back to every packet
    socket of the interface either (the datapath's own filter would only
    drop them).
    """
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    try:
        attach_filter(sock, drop_all_filter())
        with contextlib.suppress(OSError):
            sock.setsockopt(SOL_PACKET, PACKET_QDISC_BYPASS, 1)
        sock.bind((ifname, 0))
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


class _IoVec(ctypes.Structure):
    _fields_ = [("iov_base", ctypes.c_void_p), ("iov_len", ctypes.c_size_t)]


class _MsgHdr(ctypes.Structure):
    _fields_ = [("msg_name", ctypes.c_void_p), ("msg_namelen", ctypes.c_uint32),
                ("msg_iov", ctypes.c_void_p), ("msg_iovlen", ctypes.c_size_t),
                ("msg_control", ctypes.c_void_p), ("msg_controllen", ctypes.c_size_t),
                ("msg_flags", ctypes.c_int)]


class _MMsgHdr(ctypes.Structure):
    _fields_ = [("msg_hdr", _MsgHdr), ("msg_len", ctypes.c_uint)]


_IOV = struct.Struct("@PN")  # iov_base, iov_len: the layout of _IoVec
assert _IOV.size == ctypes.sizeof(_IoVec)
SEND_SLOTS = 256  # frames per sendmmsg call at most
SEND_BYTES = 1 << 20  # frame bytes per sendmmsg call at most (each frame is copied in)


def _load_sendmmsg() -> Callable[[int, int, int, int], int] | None:
    try:
        fn = ctypes.CDLL(None, use_errno=True).sendmmsg
    except (AttributeError, OSError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_uint, ctypes.c_int]
    fn.restype = ctypes.c_int
    return cast("Callable[[int, int, int, int], int]", fn)


_sendmmsg = _load_sendmmsg()


class SendBatch:
    """Frames for one packet socket, copied into one buffer and sent with one ``sendmmsg``.

    ``add`` copies a frame in (False when the batch is full: ``flush`` first); ``flush``
    sends them in order and tells how many the kernel refused (each refused frame is
    skipped and the rest sent, as ``send`` per frame would have done).
    Raises OSError on creation when the C library or the kernel has no ``sendmmsg``.
    """

    def __init__(self, sock: socket.socket, slots: int = SEND_SLOTS,
                 size: int = SEND_BYTES) -> None:
        if _sendmmsg is None:
            raise OSError("the C library has no sendmmsg")
        self.sock = sock
        self.fd = sock.fileno()
        self.slots = slots
        self.size = size
        self.buf = bytearray(size)
        self._pin = ctypes.c_char.from_buffer(self.buf)  # fixes the buffer's address
        self.base = ctypes.addressof(self._pin)
        self.iovs = (_IoVec * slots)()
        self.msgs = (_MMsgHdr * slots)()
        self.msgs_addr = ctypes.addressof(self.msgs)
        self.msg_size = ctypes.sizeof(_MMsgHdr)
        iov0, iov_size = ctypes.addressof(self.iovs), ctypes.sizeof(_IoVec)
        for i in range(slots):
            self.msgs[i].msg_hdr.msg_iov = iov0 + i * iov_size
            self.msgs[i].msg_hdr.msg_iovlen = 1
        self.count = 0  # frames in the batch
        self.used = 0  # bytes of ``buf`` they take
        if _sendmmsg(self.fd, self.msgs_addr, 0, 0) < 0:  # sends nothing: is it there?
            err = ctypes.get_errno()
            raise OSError(err, f"sendmmsg: {os.strerror(err)}")

    def add(self, frame: memoryview | bytes | bytearray) -> bool:
        """Copy ``frame`` in after the others; False when it does not fit (flush first)."""
        n = len(frame)
        used = self.used
        end = used + n
        if end > self.size or self.count == self.slots:
            return False
        self.buf[used:end] = frame
        _IOV.pack_into(self.iovs, self.count * _IOV.size, self.base + used, n)
        self.count += 1
        self.used = end
        return True

    def flush(self) -> int:
        """Send the batch (in order) and empty it; how many frames the kernel refused."""
        count = self.count
        self.count = self.used = 0
        refused = 0
        done = 0
        send, fd, msgs, step = _sendmmsg, self.fd, self.msgs_addr, self.msg_size
        assert send is not None
        while done < count:
            n = send(fd, msgs + done * step, count - done, 0)
            if n > 0:
                done += n
            else:  # the first frame left failed alone: count it and go on after it
                refused += 1
                done += 1
        return refused

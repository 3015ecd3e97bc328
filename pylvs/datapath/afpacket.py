"""AF_PACKET sockets: filtered, batched receive with PACKET_AUXDATA, and raw send."""

from __future__ import annotations

import ctypes
import socket
import struct
from dataclasses import dataclass

from pylvs.datapath.bpf import Insn, drop_all_filter, pack_program

SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_QDISC_BYPASS = 20
SO_ATTACH_FILTER = 26
ETH_P_ALL = 0x0003

PACKET_HOST = 0
PACKET_OUTGOING = 4

TP_STATUS_CSUMNOTREADY = 0x08
TP_STATUS_VLAN_VALID = 0x10
TP_STATUS_CSUM_VALID = 0x80

AUXDATA = struct.Struct("=IIIHHHH")  # tp_status, len, snaplen, mac, net, vlan_tci, vlan_tpid
ANC_BUFSIZE = socket.CMSG_SPACE(AUXDATA.size)
FRAME_BUFSIZE = 65536 + 64  # a whole GSO frame fits


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


def open_rx(ifname: str, prog: list[Insn], rcvbuf: int = 4 << 20) -> socket.socket:
    """A non-blocking packet socket on ``ifname`` that sees only what ``prog`` accepts.

    The filter is attached before the socket is bound to a protocol, so no
    frame slips in unfiltered.
    """
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    try:
        attach_filter(sock, drop_all_filter())
        sock.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        attach_filter(sock, prog)
        sock.bind((ifname, ETH_P_ALL))
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock


def open_tx(ifname: str) -> socket.socket:
    """A packet socket that only sends frames on ``ifname`` (it receives nothing)."""
    sock = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, 0)
    try:
        attach_filter(sock, drop_all_filter())
        sock.bind((ifname, 0))
        sock.setblocking(False)
    except BaseException:
        sock.close()
        raise
    return sock

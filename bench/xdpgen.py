"""A NIC-like UDP / TCP SYN packet generator for bench/pps.py and bench/synrate.py
(``xdp_gen.c``, not part of pylvs).

Frames are sent with XDP: BPF_PROG_TEST_RUN in live-frame mode (BPF_F_TEST_XDP_LIVE_FRAMES,
Linux >= 5.18) runs ``xdp_gen.c`` ``--packets`` times on frames in pages with XDP headroom,
and each XDP_TX goes out of ``--ifname`` as an XDP frame. On a veth the peer then builds its
skb around that page, 256 bytes of headroom included, so an XDP program further on (the
director's) gets the frame in place as from a NIC's receive ring. A packet socket (trafgen)
leaves only a few bytes of headroom and every XDP hop on a veth copies its frames.

The peer of ``--ifname`` needs an XDP program (``python -m pylvs.lab.xdppass PEER`` in its
namespace), or the veth drops XDP frames. Run in the sending namespace; prints one JSON line:
frames sent, wall seconds and this thread's CPU time (nanoseconds), both taken around the
sending only (the kernel's work on the frames, up to the receivers' sockets, runs in it or
in ksoftirqd). Unpaced, it sends batches back to back; ``--rate PPS`` paces them: at the
next frame's due time (``sent / rate`` after the start) a test run sends the frames due
within the next 25 ms (whole batches), so the mean rate is exact however long a sleep or
a test run takes. Finer pacing does not
work: a live-frame test run takes ~20 ms of wall time however few frames it sends (0.3 ms
of CPU; its end waits, for an RCU grace period it seems, on Linux 6.18), so the frames of
a paced run arrive in trains of ``rate`` x 25 ms at the sender's full speed, as from a
NIC with interrupt coalescing. A TCP frame (``--tcp``) gets its checksum fixed up for
each source port:

    ip netns exec NS python bench/xdpgen.py --frame HEX --packets N [--ports 256]
        [--rate PPS] [--tcp]
"""

from __future__ import annotations

import argparse
import ctypes
import json
import socket
import struct
import sys
import tempfile
import time
from pathlib import Path

import bare_forwarder

from pylvs.datapath.xdp import libbpf

SOURCE = Path(__file__).with_name("xdp_gen.c")
PROGRAM, CONFIG_MAP = b"bench_xdp_gen", b"gen_config"
FRAME_LEN = 60  # xdp_gen.c's FRAME_LEN
# struct gen_config: frame, sport_base, ports, sent, tcp, pad
CONFIG = struct.Struct(f"<{FRAME_LEN}sHHIHH")
BPF_F_TEST_XDP_LIVE_FRAMES = 1 << 1
CHUNK = 1 << 20  # frames per test run (repeat is a C int)
# Frames per batch: each batch is flushed to the peer's receive ring (256 frames) and
# processed when the test run re-enables softirqs between batches. With batches of a whole
# NAPI budget (64) the ring overflowed (most frames counted as tx drops on the sender,
# Linux 6.18 veth); with 32 or fewer none were lost.
BATCH = 32
PACE_PERIOD = 0.025  # seconds between the test runs of a paced send, at least (see above)


class XdpMd(ctypes.Structure):
    """struct xdp_md, the context of an XDP test run."""

    _fields_ = [(name, ctypes.c_uint32) for name in (
        "data", "data_end", "data_meta", "ingress_ifindex", "rx_queue_index",
        "egress_ifindex")]


def udp_frame(dst_mac: bytes, src_mac: bytes, saddr: bytes, daddr: bytes, sport: int,
              dport: int, ttl: int = 64, udp_check: int = 0) -> bytes:
    """A 60-byte (64 on the wire) IPv4 UDP frame, DF, 18 bytes of payload; UDP checksum
    ``udp_check`` (0: none, valid in IPv4)."""
    payload = b"\x42" * 18
    udp = struct.pack("!HHHH", sport, dport, 8 + len(payload), udp_check) + payload
    hdr = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0x4000, ttl,
                                socket.IPPROTO_UDP, 0, saddr, daddr))
    s = sum(int.from_bytes(hdr[i:i + 2], "big") for i in range(0, 20, 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    hdr[10:12] = (~s & 0xFFFF).to_bytes(2, "big")
    return dst_mac + src_mac + b"\x08\x00" + bytes(hdr) + udp


def _checksum(data: bytes) -> int:
    """The Internet checksum of ``data`` (even length)."""
    s = sum(int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2))
    while s >> 16:
        s = (s & 0xFFFF) + (s >> 16)
    return ~s & 0xFFFF


TCP_SYN, TCP_ACK = 0x02, 0x10


def tcp_frame(dst_mac: bytes, src_mac: bytes, saddr: bytes, daddr: bytes, sport: int,
              dport: int, flags: int = TCP_SYN, seq: int = 1, ack: int = 0,
              ttl: int = 64) -> bytes:
    """A 60-byte IPv4 TCP frame (a SYN by default; no options, no payload, 6 bytes of
    Ethernet padding), DF, valid IP and TCP checksums."""
    tcp = bytearray(struct.pack("!HHIIBBHHH", sport, dport, seq, ack, 5 << 4, flags, 64240,
                                0, 0))
    pseudo = saddr + daddr + struct.pack("!BBH", 0, socket.IPPROTO_TCP, len(tcp))
    tcp[16:18] = _checksum(pseudo + bytes(tcp)).to_bytes(2, "big")
    hdr = bytearray(struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(tcp), 0, 0x4000, ttl,
                                socket.IPPROTO_TCP, 0, saddr, daddr))
    hdr[10:12] = _checksum(bytes(hdr)).to_bytes(2, "big")
    frame = dst_mac + src_mac + b"\x08\x00" + bytes(hdr) + bytes(tcp)
    return frame + bytes(FRAME_LEN - len(frame))


def build(out: Path) -> Path:
    """Compile the generator program into ``out``."""
    return bare_forwarder.compile_bpf(SOURCE, out)


def send(obj: Path, frame: bytes, packets: int, ports: int, sport_base: int, ifname: str,
         batch: int = BATCH, gap: float = 0.0, rate: float = 0.0,
         tcp: bool = False) -> tuple[float, int]:
    """Send ``packets`` copies of ``frame`` (source ports ``sport_base`` + n % ``ports``;
    ``tcp``: a TCP frame, its checksum fixed up) out of ``ifname``: batches back to back,
    batches paced to ``rate`` frames per second, or one frame every ``gap`` seconds;
    (wall seconds, CPU ns) of it."""
    if len(frame) != FRAME_LEN:
        raise SystemExit(f"the frame has {len(frame)} bytes, not {FRAME_LEN}")
    lib = libbpf.lib()
    with bare_forwarder.loaded(obj) as handle:
        prog_fd = lib.bpf_program__fd(lib.bpf_object__find_program_by_name(handle, PROGRAM))
        map_fd = libbpf.check(lib.bpf_object__find_map_fd_by_name(handle, CONFIG_MAP),
                              "finding the generator's configuration map")
        key = ctypes.c_uint32(0)
        value = ctypes.create_string_buffer(CONFIG.pack(frame, sport_base, ports, 0, int(tcp), 0),
                                            CONFIG.size)
        libbpf.check(lib.bpf_map_update_elem(map_fd, ctypes.byref(key), value, libbpf.BPF_ANY),
                     "configuring the generator")
        data_in = ctypes.create_string_buffer(frame, len(frame))
        ctx = XdpMd(data_end=len(frame), ingress_ifindex=socket.if_nametoindex(ifname))
        opts = libbpf.TestRunOpts(sz=ctypes.sizeof(libbpf.TestRunOpts),
                                  data_in=ctypes.cast(data_in, ctypes.c_void_p),
                                  data_size_in=len(frame),
                                  ctx_in=ctypes.cast(ctypes.pointer(ctx), ctypes.c_void_p),
                                  ctx_size_in=ctypes.sizeof(ctx),
                                  flags=BPF_F_TEST_XDP_LIVE_FRAMES, batch_size=batch)
        sent = 0
        t0, c0 = time.monotonic(), time.thread_time_ns()
        while sent < packets:
            chunk = CHUNK
            if rate:  # wait for the next frame's due time, then send what is due by then
                wait = t0 + sent / rate - time.monotonic()
                if wait > 0:
                    time.sleep(wait)
                due = int((time.monotonic() - t0 + PACE_PERIOD) * rate) - sent
                chunk = max(1, -(-due // batch)) * batch
            opts.repeat = 1 if gap else min(packets - sent, chunk)
            libbpf.check(lib.bpf_prog_test_run_opts(prog_fd, ctypes.byref(opts)),
                         "sending (live-frame test run)")
            sent += opts.repeat
            if gap:
                time.sleep(gap)
        return time.monotonic() - t0, time.thread_time_ns() - c0


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--frame", required=True, help="the frame to send, hex (60 bytes)")
    ap.add_argument("--packets", type=int, required=True, help="frames to send")
    ap.add_argument("--ports", type=int, default=1, help="UDP source ports in turn")
    ap.add_argument("--sport-base", type=int, help="first source port (default: the frame's)")
    ap.add_argument("--ifname", default="eth0", help="interface to send from")
    ap.add_argument("--batch", type=int, default=BATCH, help="frames per batch (1-256)")
    ap.add_argument("--gap-ms", type=float, default=0.0, help="send one frame every GAP ms")
    ap.add_argument("--rate", type=float, default=0.0,
                    help="pace the batches to RATE frames per second (0: unpaced)")
    ap.add_argument("--tcp", action="store_true",
                    help="the frame is TCP: fix its checksum up for each source port")
    ap.add_argument("--object", type=Path, help="xdp_gen.c compiled (default: compile it)")
    opts = ap.parse_args()
    frame = bytes.fromhex(opts.frame)
    base = opts.sport_base if opts.sport_base is not None else \
        int.from_bytes(frame[34:36], "big")
    if opts.packets < 0 or not 1 <= opts.ports <= 65536 - base:
        ap.error("--packets must be >= 0 and the source ports within 1-65535")
    if opts.rate < 0 or opts.gap_ms < 0 or (opts.rate and opts.gap_ms):
        ap.error("--rate and --gap-ms must be >= 0, and not both given")
    with tempfile.TemporaryDirectory(prefix="pylvs-xdpgen-") as tmp:
        obj = opts.object or build(Path(tmp) / "xdp_gen.o")
        seconds, cpu_ns = send(obj, frame, opts.packets, opts.ports, base, opts.ifname,
                               opts.batch, opts.gap_ms / 1000, opts.rate, opts.tcp)
    print(json.dumps({"sent": opts.packets, "seconds": seconds, "cpu_ns": cpu_ns}))
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""A receive-ring batch with ``before_send`` set (the XDP datapath): frames handled in
place are held until the whole batch is handled, ``before_send`` runs once before they
go out, and the ring slots go back to the kernel only after that."""

from __future__ import annotations

import logging
import mmap
from types import SimpleNamespace

from pylvs.datapath.afpacket import TP_STATUS_USER, TPACKET2_HDR
from pylvs.datapath.python import PythonDatapath, _Rx
from tests.datapath.test_forward import IN_IF, OUT_IF, RIP, RMAC, Rig, client, mac, p

SLOT = 2048
MAC_AT = 64  # where each frame starts in its slot


def ring_of(frames: list[bytes], slots: int = 8) -> SimpleNamespace:
    """What FrameHandler.drain_ring reads of an RxRing, holding ``frames`` from slot 0."""
    mem = mmap.mmap(-1, SLOT * slots)
    for i, frame in enumerate(frames):
        TPACKET2_HDR.pack_into(mem, i * SLOT, TP_STATUS_USER, len(frame), len(frame),
                               MAC_AT, MAC_AT + 14)
        mem[i * SLOT + MAC_AT : i * SLOT + MAC_AT + len(frame)] = frame
    return SimpleNamespace(map=mem, view=memoryview(mem), frame_size=SLOT, frames=slots,
                           head=0)


def status(ring: SimpleNamespace, slot: int) -> int:
    return int(TPACKET2_HDR.unpack_from(ring.map, slot * SLOT)[0])


class Sock:
    """A send-only packet socket that records what went out (and refuses one frame)."""

    def __init__(self, rig: Rig, ring: SimpleNamespace, refuse: int) -> None:
        self.rig, self.ring, self.refuse = rig, ring, refuse
        self.sent: list[tuple[bytes, int, list[int]]] = []  # frame, rx so far, slot states

    def send(self, frame: memoryview | bytes) -> int:
        statuses = [status(self.ring, i) for i in range(3)]
        self.sent.append((bytes(frame), self.rig.counters.rx, statuses))
        if len(self.sent) == self.refuse:
            raise OSError(105, "no buffer space")
        return len(frame)


def test_a_ring_batch_is_sent_after_before_send_then_released() -> None:
    rig = Rig()
    rig.net.resolve(p(RIP), mac(RMAC))
    frames = [bytes(client(sport=40300 + i)) for i in range(3)]
    ring = ring_of(frames)
    dp = PythonDatapath(rig.ipvs, ["eth0"], None, logging.getLogger("t"),  # type: ignore[arg-type]
                        batch_sends=False)  # one send per frame (batched: test_batched_sends)
    dp.handler = rig.handler
    dp.stats = rig.counters
    rig.fwd.send = dp._send
    sock = Sock(rig, ring, refuse=2)
    dp.tx = {OUT_IF: sock}  # type: ignore[dict-item]
    calls: list[int] = []
    dp.before_send = lambda: calls.append(len(sock.sent))
    assert all(status(ring, i) == TP_STATUS_USER for i in range(3))
    dp._on_readable(_Rx("eth0", IN_IF, None, ring))  # type: ignore[arg-type]
    assert calls == [0]  # once, before anything went out
    assert [rx for _, rx, _ in sock.sent] == [3, 3, 3]  # all handled first
    assert all(st == [TP_STATUS_USER] * 3 for _, _, st in sock.sent)  # slots still ours
    assert [status(ring, i) for i in range(3)] == [0, 0, 0]  # then given back
    assert ring.head == 3
    assert rig.counters.tx == 2 and rig.counters.drops == {"tx-error": 1}
    assert [f[:6] for f, _, _ in sock.sent] == [mac(RMAC)] * 3  # rewritten in the ring
    assert [int.from_bytes(f[34:36], "big") for f, _, _ in sock.sent] == [40300, 40301, 40302]
    dp.before_send = None  # the Python datapath alone: each frame goes out at once
    ring2 = ring_of([bytes(client(sport=40310))])
    sock.ring = ring2
    dp._on_readable(_Rx("eth0", IN_IF, None, ring2))  # type: ignore[arg-type]
    assert sock.sent[-1][2][0] == TP_STATUS_USER and status(ring2, 0) == 0
    assert rig.counters.tx == 3

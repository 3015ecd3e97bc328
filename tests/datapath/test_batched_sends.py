"""Batched sends: the frames of a receive-ring batch go out with one ``sendmmsg`` per egress
socket, in order, with the tx / tx-error counters as exact as one ``send`` per frame.

Datagram socket pairs stand in for the packet sockets: sendmmsg works on any socket, and
the peer end shows what went out and in which order (no root needed).
"""

from __future__ import annotations

import logging
import socket
from collections.abc import Iterator

import pytest

from pylvs.datapath import afpacket
from pylvs.datapath.afpacket import SendBatch
from pylvs.datapath.python import PythonDatapath, _Rx
from tests.datapath.test_forward import IN_IF, OUT_IF, RIP, RMAC, Rig, client, mac, p
from tests.datapath.test_held_sends import ring_of, status


@pytest.fixture
def pair() -> Iterator[tuple[socket.socket, socket.socket]]:
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_DGRAM)
    a.setblocking(False)
    b.setblocking(False)
    yield a, b
    a.close()
    b.close()


def received(sock: socket.socket) -> list[bytes]:
    out = []
    while True:
        try:
            out.append(sock.recv(65536))
        except BlockingIOError:
            return out


def test_a_batch_goes_out_in_order_with_one_call(
        pair: tuple[socket.socket, socket.socket], monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = pair
    calls: list[int] = []
    real = afpacket._sendmmsg
    assert real is not None

    def counting(fd: int, msgs: int, n: int, flags: int) -> int:
        calls.append(n)
        return real(fd, msgs, n, flags)

    batch = SendBatch(a, slots=8, size=4096)
    monkeypatch.setattr(afpacket, "_sendmmsg", counting)
    ring = memoryview(bytearray(b"....ring-frame...."))
    frames: list[memoryview | bytes | bytearray] = [b"first", bytearray(b"second"),
                                                    ring[4:14], b"x" * 1500]
    for frame in frames:
        assert batch.add(frame)
    assert batch.flush() == 0
    assert calls == [4]
    assert received(b) == [bytes(f) for f in frames]
    assert batch.count == 0 and batch.flush() == 0 and calls == [4]  # empty: no call


def test_a_full_batch_refuses_more(pair: tuple[socket.socket, socket.socket]) -> None:
    a, b = pair
    by_slots = SendBatch(a, slots=2, size=4096)
    assert by_slots.add(b"1") and by_slots.add(b"2") and not by_slots.add(b"3")
    by_size = SendBatch(a, slots=8, size=10)
    assert by_size.add(b"123456") and not by_size.add(b"12345") and by_size.add(b"1234")
    assert not SendBatch(a, slots=8, size=10).add(b"x" * 11)
    assert by_slots.flush() == 0 and by_size.flush() == 0
    assert received(b) == [b"1", b"2", b"123456", b"1234"]


def test_refused_frames_are_counted_and_the_rest_still_sent(
        pair: tuple[socket.socket, socket.socket]) -> None:
    a, b = pair
    a.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4096)  # room for a few frames only
    batch = SendBatch(a, slots=64, size=1 << 16)
    frames = [f"frame-{i}".encode() for i in range(64)]
    for frame in frames:
        assert batch.add(frame)
    refused = batch.flush()  # the peer's queue fills (EAGAIN) before the end
    got = received(b)
    assert 0 < refused < len(frames)
    assert got == frames[: len(frames) - refused]
    b.close()  # now each frame fails on its own (no receiver)
    for frame in frames[:3]:
        assert batch.add(frame)
    assert batch.flush() == 3


def test_no_sendmmsg_is_an_oserror(pair: tuple[socket.socket, socket.socket],
                                   monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(afpacket, "_sendmmsg", None)
    with pytest.raises(OSError, match="sendmmsg"):
        SendBatch(pair[0])


def datapath(rig: Rig, sock: socket.socket) -> PythonDatapath:
    rig.net.resolve(p(RIP), mac(RMAC))
    dp = PythonDatapath(rig.ipvs, ["eth0"], None, logging.getLogger("t"))  # type: ignore[arg-type]
    dp.handler = rig.handler
    dp.stats = rig.counters
    rig.fwd.send = dp._send
    dp.tx = {OUT_IF: sock}
    return dp


def test_a_ring_batch_is_sent_with_one_sendmmsg(
        pair: tuple[socket.socket, socket.socket], monkeypatch: pytest.MonkeyPatch) -> None:
    a, b = pair
    rig = Rig()
    dp = datapath(rig, a)
    assert dp.batch_sends
    calls: list[tuple[int, list[int]]] = []
    real = afpacket._sendmmsg
    assert real is not None
    ring = ring_of([bytes(client(sport=40400 + i)) for i in range(3)])

    def watching(fd: int, msgs: int, n: int, flags: int) -> int:
        if n:  # (the batch's creation asks with none whether sendmmsg is there)
            calls.append((n, [status(ring, i) for i in range(3)]))
        return real(fd, msgs, n, flags)

    monkeypatch.setattr(afpacket, "_sendmmsg", watching)
    dp._on_readable(_Rx("eth0", IN_IF, None, ring))  # type: ignore[arg-type]
    assert calls == [(3, [afpacket.TP_STATUS_USER] * 3)]  # one call, slots still ours
    assert [status(ring, i) for i in range(3)] == [0, 0, 0]  # then given back
    out = received(b)
    assert [f[:6] for f in out] == [mac(RMAC)] * 3  # rewritten (DR)
    assert [int.from_bytes(f[34:36], "big") for f in out] == [40400, 40401, 40402]
    assert rig.counters.tx == 3 and rig.counters.drops == {}
    ring2 = ring_of([bytes(client(sport=40410))])
    dp._on_readable(_Rx("eth0", IN_IF, None, ring2))  # type: ignore[arg-type]
    assert len(calls) == 1  # a lone frame goes out with a plain send
    assert [int.from_bytes(f[34:36], "big") for f in received(b)] == [40410]
    assert rig.counters.tx == 4


def test_refused_frames_of_a_ring_batch_are_tx_errors(
        pair: tuple[socket.socket, socket.socket]) -> None:
    a, b = pair
    b.close()  # every send fails
    rig = Rig()
    dp = datapath(rig, a)
    dp._on_readable(_Rx("eth0", IN_IF, None, ring_of(  # type: ignore[arg-type]
        [bytes(client(sport=40500 + i)) for i in range(4)])))
    assert rig.counters.rx == 4 and rig.counters.tx == 0
    assert rig.counters.drops == {"tx-error": 4}


def test_without_sendmmsg_frames_go_out_one_by_one(
        pair: tuple[socket.socket, socket.socket], monkeypatch: pytest.MonkeyPatch,
        caplog: pytest.LogCaptureFixture) -> None:
    a, b = pair
    monkeypatch.setattr(afpacket, "_sendmmsg", None)
    rig = Rig()
    dp = datapath(rig, a)
    with caplog.at_level(logging.DEBUG, logger="t"):
        dp._on_readable(_Rx("eth0", IN_IF, None, ring_of(  # type: ignore[arg-type]
            [bytes(client(sport=40600 + i)) for i in range(3)])))
    assert "frames are sent one by one" in caplog.text
    assert not dp.batch_sends
    assert [int.from_bytes(f[34:36], "big") for f in received(b)] == [40600, 40601, 40602]
    assert rig.counters.tx == 3 and rig.counters.drops == {}

"""The Python datapath: AF_PACKET sockets on the asyncio loop, core's verdicts applied.

Per wakeup each interface's PACKET_RX_RING (or, without one, its socket
queue through ``recvmsg_into`` a reused buffer) is drained in a batch; per
frame: parse, ``IPVS.process``, rewrite, send. The frames a ring batch sends
are held until its end and then go out with one ``sendmmsg`` per egress
interface (in order; without ``sendmmsg``, one ``send`` each). The
socket filter and the nftables table are rebuilt from the table whenever the
rules change.
"""

from __future__ import annotations

import asyncio
import logging
import random
import socket
import time
from collections.abc import Callable
from dataclasses import dataclass

from pylvs.core.constants import AF_INET, AF_INET6
from pylvs.core.ipvs import IPVS
from pylvs.datapath import DatapathError, afpacket, bpf
from pylvs.datapath.capture import CaptureSpec, capture_spec
from pylvs.datapath.counters import Counters
from pylvs.datapath.forward import Forwarder
from pylvs.datapath.frames import FrameHandler
from pylvs.datapath.kernel import KernelNet
from pylvs.datapath.neigh import Resolver, WaitQueue
from pylvs.datapath.netevents import NetEvents
from pylvs.datapath.nft import NftError, NftTable

BATCH = 256  # frames handled per socket wakeup before yielding to the loop
QUEUE_POLL = 0.01  # seconds between checks while frames wait for a neighbour


def _af_of(addr: bytes) -> int:
    return AF_INET6 if len(addr) == 16 else AF_INET


@dataclass(slots=True)
class _Rx:
    name: str
    ifindex: int
    sock: socket.socket
    ring: afpacket.RxRing | None = None


class PythonDatapath:
    """Packet I/O in Python for one IPVS table on a set of interfaces."""

    kind = "python"

    def __init__(self, ipvs: IPVS, interfaces: list[str], loop: asyncio.AbstractEventLoop,
                 log: logging.Logger, nft: NftTable | None = None,
                 use_ring: bool = True, batch_sends: bool = True) -> None:
        if not interfaces:
            raise ValueError("the python datapath needs at least one interface")
        self.ipvs = ipvs
        self.interfaces = list(interfaces)
        self.loop = loop
        self.log = log
        self.nft = nft if nft is not None else NftTable(self.interfaces)
        self.use_ring = use_ring  # PACKET_RX_RING (else recvmsg per frame)
        self.batch_sends = batch_sends  # a ring batch's frames go out with sendmmsg
        self._batches: dict[int, afpacket.SendBatch] = {}
        self.stats = Counters()
        self.net: KernelNet | None = None
        self.events: NetEvents | None = None
        self.rx: list[_Rx] = []
        self.tx: dict[int, socket.socket] = {}
        self.macs: dict[int, bytes] = {}
        self.spec: CaptureSpec | None = None
        self.exact_filter = True
        self._rebuild_pending = False
        self._queue_timer: asyncio.TimerHandle | None = None
        self._buf = bytearray(afpacket.FRAME_BUFSIZE)
        self._rng = random.Random()
        self.handler: FrameHandler | None = None
        self.running = False
        # called before frames go out: once per receive-ring batch, whose frames are held
        # until then, or before a frame sent on its own (the XDP datapath installs the
        # flows of the batch's new connections there)
        self.before_send: Callable[[], None] | None = None
        self._held: list[tuple[int, memoryview | bytes | bytearray]] | None = None

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> None:
        """Open the sockets, install filter and nftables table, start reading.

        Raises DatapathError (one line saying why) when it cannot; nothing is left behind.
        """
        try:
            net = self.net = KernelNet()
            for name in self.interfaces:
                link = net.link(name=name)
                self.macs[link.index] = link.mac
                self.tx[link.index] = afpacket.open_tx(name)
            resolver = Resolver(net)
            self._watch_routing()
            rand32 = self.rand32
            forwarder = Forwarder(resolver, self._send, self.macs, self.stats, rand32,
                                  WaitQueue(), on_queued=self._arm_queue_timer)
            self.handler = FrameHandler(self.ipvs, forwarder, self.stats, rand32, log=self.log)
            self.spec = capture_spec(self.ipvs)
            self.handler.set_vips(frozenset(a for _, a in self.spec.vip_addrs))
            prog, self.exact_filter = bpf.build_filter(self.spec)
            self.nft.apply(self.spec)
            for name in self.interfaces:
                link = net.link(name=name)
                sock, ring = afpacket.open_rx(name, prog, mtu=link.mtu, ring=self.use_ring)
                self.rx.append(_Rx(name, link.index, sock, ring))
                self.loop.add_reader(sock.fileno(), self._on_readable, self.rx[-1])
        except PermissionError as exc:
            self.stop()
            raise DatapathError(f"the python datapath needs root (CAP_NET_RAW, CAP_NET_ADMIN):"
                                f" {exc}") from None
        except (LookupError, NftError, OSError) as exc:
            self.stop()
            raise DatapathError(f"cannot start the python datapath on"
                                f" {', '.join(self.interfaces)}: {exc}") from None
        except BaseException:
            self.stop()
            raise
        self.running = True
        modes = ", ".join(f"{rx.name} ({'receive ring' if rx.ring else 'recvmsg'})"
                          for rx in self.rx)
        self.log.info("python datapath on %s", modes)
        self._log_spec()

    def stop(self) -> None:
        """Stop reading, close the sockets, remove the nftables table."""
        self.running = False
        if self.events is not None:
            self.loop.remove_reader(self.events.fileno())
            self.events.close()
            self.events = None
        if self._queue_timer is not None:
            self._queue_timer.cancel()
            self._queue_timer = None
        for rx in self.rx:
            self.loop.remove_reader(rx.sock.fileno())
            if rx.ring is not None and not rx.ring.close():
                self.log.warning("%s: a frame of the receive ring is still referenced;"
                                 " it is unmapped when released", rx.name)
            rx.sock.close()
        self.rx.clear()
        self._batches.clear()
        for sock in self.tx.values():
            sock.close()
        self.tx.clear()
        if self.nft.installed:
            try:
                self.nft.remove()
            except Exception as exc:
                self.log.error("could not remove the nftables table: %s", exc)
        if self.net is not None:
            self.net.close()
            self.net = None

    def table_changed(self) -> None:
        """The rules changed: rebuild filter and nftables table (once per loop iteration)."""
        if self._rebuild_pending or not self.running:
            return
        self._rebuild_pending = True
        self.loop.call_soon(self._rebuild)

    def counters(self) -> dict[str, int]:
        """rx, tx, pass, queued, wakeups, drops and ``drop.<reason>`` counts."""
        return self.stats.as_dict()

    def sync(self) -> None:
        """Nothing to fold: every packet went through core already."""

    def rand32(self) -> int:
        """A random 32-bit number (for schedulers and IP IDs)."""
        return self._rng.getrandbits(32)

    # -- internals -----------------------------------------------------------

    def _rebuild(self) -> None:
        self._rebuild_pending = False
        if not self.running:
            return
        spec = capture_spec(self.ipvs)
        if spec == self.spec:
            return
        prog, exact = bpf.build_filter(spec)
        try:
            self.nft.apply(spec)
        except Exception as exc:
            self.log.error("could not update the nftables table: %s", exc)
        for rx in self.rx:
            afpacket.attach_filter(rx.sock, prog)
        self.spec, self.exact_filter = spec, exact
        if self.handler is not None:
            self.handler.set_vips(frozenset(a for _, a in spec.vip_addrs))
            self.handler.forwarder.resolver.forget()
        self._log_spec()

    def _watch_routing(self) -> None:
        """Forget cached routes and MTUs whenever netlink reports a routing change."""
        try:
            self.events = NetEvents()
        except OSError as exc:
            self.log.warning("no netlink notifications (%s): routes and link MTUs are"
                             " re-read every few seconds only", exc)
            return
        self.loop.add_reader(self.events.fileno(), self._on_routing_event)

    def _on_routing_event(self) -> None:
        if self.events is not None and self.events.changed() and self.handler is not None:
            self.handler.forwarder.resolver.forget()

    def _log_spec(self) -> None:
        spec = self.spec
        if spec is None:
            return
        self.log.debug("capturing %d virtual service matches, %d NAT reply matches%s",
                       len(spec.to_vip), len(spec.from_nat_rs),
                       "" if self.exact_filter else " (coarse socket filter: table too large)")
        if spec.fwmark_services:
            self.log.warning("%d fwmark services are not served by the python datapath",
                             spec.fwmark_services)

    def _send(self, ifindex: int, frame: memoryview | bytes | bytearray) -> bool:
        held = self._held
        if held is not None:
            held.append((ifindex, frame))
            return True
        if self.before_send is not None:
            self.before_send()
        return self._send_now(ifindex, frame)

    def _send_held(self) -> None:
        """Send the frames held during a receive-ring batch (``before_send`` first); a
        frame the kernel refuses counts as a tx error, as it would have at once."""
        held = self._held
        if not held:
            return
        self._held = []
        if self.before_send is not None:
            self.before_send()
        if self.batch_sends and len(held) > 1:
            refused = self._send_batched(held)
        else:
            refused = 0
            for ifindex, frame in held:
                if not self._send_now(ifindex, frame):
                    refused += 1
        if refused:
            self.stats.tx -= refused
            self.stats.drop("tx-error", refused)

    def _send_batched(self, held: list[tuple[int, memoryview | bytes | bytearray]]) -> int:
        """Send ``held`` with one ``sendmmsg`` per egress interface (more when a batch
        fills; a frame too big for one goes out alone, in its turn); how many the kernel
        refused."""
        refused = 0
        batches = self._batches
        filled: list[afpacket.SendBatch] = []
        for ifindex, frame in held:
            batch = batches.get(ifindex)
            if batch is None:
                batch = self._batch_for(ifindex)
                if batch is None:
                    refused += not self._send_now(ifindex, frame)
                    continue
            if not batch.add(frame):
                refused += batch.flush()
                if not batch.add(frame):
                    refused += not self._send_now(ifindex, frame)
                    continue
            if batch.count == 1:
                filled.append(batch)
        for batch in filled:
            refused += batch.flush()
        return refused

    def _batch_for(self, ifindex: int) -> afpacket.SendBatch | None:
        """The send batch of ``ifindex``'s socket; None (frames sent one by one) when the
        socket cannot be opened or sendmmsg is unavailable (batching then stops)."""
        if not self.batch_sends:
            return None
        sock = self._tx_socket(ifindex)
        if sock is None:
            return None
        try:
            batch = self._batches[ifindex] = afpacket.SendBatch(sock)
        except OSError as exc:
            self.log.debug("frames are sent one by one (no batched sends: %s)", exc)
            self.batch_sends = False
            return None
        return batch

    def _send_now(self, ifindex: int, frame: memoryview | bytes | bytearray) -> bool:
        sock = self._tx_socket(ifindex)
        if sock is None:
            return False
        try:
            sock.send(frame)
        except OSError:
            return False
        return True

    def _tx_socket(self, ifindex: int) -> socket.socket | None:
        """The send socket of ``ifindex``, opened on first use; None when it cannot be."""
        sock = self.tx.get(ifindex)
        return sock if sock is not None else self._open_tx(ifindex)

    def _open_tx(self, ifindex: int) -> socket.socket | None:
        if self.net is None:
            return None
        try:
            link = self.net.link(index=ifindex)
            sock = afpacket.open_tx(link.name)
        except (LookupError, OSError) as exc:
            self.log.warning("cannot send on interface %d: %s", ifindex, exc)
            return None
        self.macs[ifindex] = link.mac
        self.tx[ifindex] = sock
        return sock

    def _on_readable(self, rx: _Rx) -> None:
        handler = self.handler
        if handler is None:
            return
        if rx.ring is not None and (self.before_send is not None or self.batch_sends):
            self._held = []
            try:
                got = handler.drain_ring(rx.ring, rx.sock, rx.ifindex, self._buf, BATCH,
                                         time.monotonic(), settle=self._send_held)
            finally:
                self._held = None
        elif rx.ring is not None:
            got = handler.drain_ring(rx.ring, rx.sock, rx.ifindex, self._buf, BATCH,
                                     time.monotonic())
        else:
            got = handler.drain(rx.sock, rx.ifindex, self._buf, BATCH, time.monotonic())
        if got:
            self.stats.wakeups += 1

    def _arm_queue_timer(self) -> None:
        if self._queue_timer is None and self.running:
            self._queue_timer = self.loop.call_later(QUEUE_POLL, self._service_queue)

    def _service_queue(self) -> None:
        self._queue_timer = None
        if self.handler is None:
            return
        fwd = self.handler.forwarder
        fwd.service_queue(_af_of, time.monotonic())
        if len(fwd.waitq):
            self._arm_queue_timer()


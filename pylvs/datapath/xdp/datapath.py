"""The XDP datapath: the Python datapath with the fast-path program in front of it.

The program is attached to every interface; what it does not forward (new
connections, state changes, anything it does not parse) reaches the Python datapath
exactly as without it. After Python forwards a packet of a connection the flow is
installed; every ``SYNC_PERIOD`` seconds, before every listing and at once after a
rule change, the per-flow counters (and the TCP states the program moved) are folded
into the IPVS table and stale flows removed.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pylvs.core.ipvs import IPVS
from pylvs.core.meta import PacketMeta, Verdict
from pylvs.datapath import XDP_MODES
from pylvs.datapath.frames import FrameHandler
from pylvs.datapath.neigh import Resolver
from pylvs.datapath.python import PythonDatapath
from pylvs.datapath.xdp.flows import FlowCache, Hop
from pylvs.datapath.xdp.loader import PIN_ROOT, FastPathProgram

SYNC_PERIOD = 0.5  # seconds between folds of the program's counters into the stats
REVALIDATE_EVERY = 4  # syncs between checks of the flows' next hops
HOP_MEMO = 4096  # next hops remembered as flow Hops


def attach_mode(requested: str, link_kind: str) -> tuple[str, str]:
    """The XDP mode to attach in on a link of ``link_kind`` when ``requested`` was asked
    for, and why. "auto" takes generic (skb) mode on a veth: there, driver mode copies
    every frame that arrives without XDP headroom (all frames a socket sent) and XDP_TX
    only reaches a peer that runs an XDP program too, which a director cannot count on;
    elsewhere it lets the kernel choose (driver mode where the driver has it)."""
    if requested not in XDP_MODES:
        raise ValueError(f"unknown XDP mode {requested!r}: choose one of {', '.join(XDP_MODES)}")
    if requested == "auto" and link_kind == "veth":
        return "generic", "veth"
    if requested == "auto":
        return "auto", "the driver's choice"
    return requested, ""


class XdpDatapath:
    """Fast path in XDP, slow path in Python, one IPVS table."""

    kind = "xdp"

    def __init__(self, ipvs: IPVS, interfaces: list[str], loop: asyncio.AbstractEventLoop,
                 log: logging.Logger, program: FastPathProgram | None = None,
                 python: PythonDatapath | None = None, pin_root: Path = PIN_ROOT,
                 fallback: bool = False, xdp_mode: str = "auto") -> None:
        attach_mode(xdp_mode, "")  # an unknown mode fails here, before anything starts
        self.ipvs = ipvs
        self.interfaces = list(interfaces)
        self.loop = loop
        self.log = log
        self.program = program
        self.python = python if python is not None else PythonDatapath(ipvs, interfaces,
                                                                       loop, log)
        self.pin_root = pin_root
        self.fallback = fallback  # "auto": an attach failure leaves the Python datapath alone
        self.xdp_mode = xdp_mode
        self.detail = ""  # how the program is attached, for status
        self.cache: FlowCache | None = None
        self._timer: asyncio.TimerHandle | None = None
        self._sync_pending = False
        self._final: dict[str, int] = {}  # the program's counters when it was unloaded
        self._ticks = 0
        self._now = 0.0  # the time hops are looked up at (offer, revalidation)
        self._hops: dict[bytes, tuple[object, Hop]] = {}  # addr -> (resolver entry, Hop)
        self._resolver: Resolver | None = None  # the Python datapath's, once started

    # -- lifecycle -----------------------------------------------------------

    def start(self) -> None:
        """Load the program, start the Python datapath, attach to every interface."""
        try:
            if self.program is None:
                self.program = FastPathProgram()
            self.cache = FlowCache(self.ipvs, self.program)
            self.python.start()
            assert self.python.handler is not None
            self.hook(self.python.handler)
            # a batch's new flows go in with one update, before the batch's frames go out
            self.cache.deferred = True
            self.python.before_send = self._install_pending
            try:
                for rx in self.python.rx:
                    self._attach(rx.ifindex, rx.name)
            except OSError as exc:
                if not self.fallback:
                    raise
                self.log.info("datapath auto: using the python datapath (xdp attach"
                              " failed: %s)", exc)
                self._drop_program()
                self.kind = "python"
                return
            instance = "-".join(self.interfaces)
            pinned = self.program.pin(instance, self.pin_root)
            if pinned is None:
                self.log.info("xdp: bpffs is not mounted at %s; maps are not pinned",
                              self.pin_root.parent)
        except BaseException:
            self.stop()
            raise
        self._arm()
        self.log.info("xdp fast path on %s", self.detail)

    def hook(self, handler: FrameHandler) -> None:
        """Put the flow cache in the path of the Python datapath's ``handler``: flows are
        installed from the verdicts it carries out, and the program's TCP states pulled
        in before core runs a packet."""
        self._resolver = handler.forwarder.resolver
        handler.forwarder.offer = self.offer
        handler.pull = self._pull

    def _attach(self, ifindex: int, name: str) -> None:
        assert self.program is not None and self.python.net is not None
        mode, why = attach_mode(self.xdp_mode, self.python.net.link(index=ifindex).kind)
        try:
            self.program.attach(ifindex, mode)
        except OSError as exc:
            raise OSError(exc.errno, f"{name}: {exc.strerror}") from exc
        shown = "native or generic mode" if mode == "auto" else f"{mode} mode"
        where = f"{name} ({shown}: {why})" if why else f"{name} ({shown})"
        self.detail = f"{self.detail}, {where}" if self.detail else where

    def stop(self) -> None:
        """Fold the last counters, detach, unpin, unload; stop the Python datapath."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None
        self._drop_program()
        self.python.stop()

    def _drop_program(self) -> None:
        handler = self.python.handler
        if handler is not None:
            handler.pull = None
            handler.forwarder.offer = None
        self.python.before_send = None
        if self.program is not None:
            if self.cache is not None:
                try:
                    self.cache.clear()
                except OSError as exc:
                    self.log.error("xdp: could not read the last flow counters: %s", exc)
                self._final = {"flows": len(self.cache.flows),
                               "installed": self.cache.stats.installed,
                               "removed": self.cache.stats.removed}
            self._final.update(self.program.counters())
            self.program.close()
            self.program = None
        self.cache = None

    def table_changed(self) -> None:
        """The rules changed: the Python datapath's filters, and a sync at once."""
        self.python.table_changed()
        if not self._sync_pending:
            self._sync_pending = True
            self.loop.call_soon(self.sync)

    def counters(self) -> dict[str, int]:
        """The Python datapath's counters plus ``xdp.*`` (program outcomes, flows)."""
        out = dict(self.python.counters())
        mine = dict(self._final)
        if self.program is not None:
            mine.update(self.program.counters())
        if self.cache is not None:
            mine.update(flows=len(self.cache.flows), installed=self.cache.stats.installed,
                        removed=self.cache.stats.removed)
        out.update({f"xdp.{name}": n for name, n in mine.items()})
        return out

    # -- flows ----------------------------------------------------------------

    def offer(self, verdict: Verdict, meta: PacketMeta, p: Any, now: float) -> None:
        """Install the flow of a packet Python is about to carry out: before it is sent, as
        on veth the receiver answers within the send, and the answer's answer (the ACK
        after a SYN) must find the flow."""
        cache = self.cache
        if cache is None:
            return
        self._now = now
        try:
            cache.offer(verdict, meta, p, self._hop_of)
        except OSError as exc:  # a full map: the connection stays on the slow path
            self.log.debug("xdp: flow not installed: %s", exc)

    def _install_pending(self) -> None:
        """The flows offered since the last frames went out, in one batched update."""
        cache = self.cache
        if cache is not None and cache.pending:
            try:
                failed = cache.install_pending()
            except OSError as exc:
                self.log.debug("xdp: flows not installed: %s", exc)
                return
            for err in failed:  # a full map: the connection stays on the slow path
                self.log.debug("xdp: flow not installed: %s", err)

    def _pull(self, meta: PacketMeta) -> None:
        """Core is about to run a TCP packet: first the state the program gave its
        connection, if the connection's flow owns it."""
        cache = self.cache
        if cache is not None and cache.owned:
            try:
                cache.pull(meta)
            except OSError as exc:
                self.log.debug("xdp: flow state not read: %s", exc)

    def _hop_of(self, af: int, addr: bytes) -> Hop | None:
        """The forwarder's resolved hop to ``addr`` at ``self._now`` as a flow's Hop (the
        same Hop while the resolver keeps the same entry)."""
        resolver = self._resolver
        if resolver is None:
            return None
        h = resolver.lookup(af, addr, self._now)
        if h is None:
            return None
        memo = self._hops.get(addr)
        if memo is not None and memo[0] is h:
            return memo[1]
        src_mac = self.python.macs.get(h.ifindex)
        if src_mac is None:
            return None
        hop = Hop(h.ifindex, h.mac, src_mac, h.src, h.mtu)
        if len(self._hops) >= HOP_MEMO:
            self._hops.clear()
        self._hops[addr] = (h, hop)
        return hop

    def _hop_lookup(self, now: float) -> Callable[[int, bytes], Hop | None]:
        self._now = now
        self._hops.clear()  # revalidation compares with what the resolver says now
        return self._hop_of

    def sync(self) -> None:
        """Fold the program's counters into the stats; drop stale flows."""
        self._sync_pending = False
        if self.cache is not None:
            self.cache.sync()

    def _arm(self) -> None:
        self._timer = self.loop.call_later(SYNC_PERIOD, self._tick)

    def _tick(self) -> None:
        self._timer = None
        started = time.monotonic()
        self._ticks += 1
        try:
            self.sync()
            if self._ticks % REVALIDATE_EVERY == 0 and self.cache is not None \
                    and self.python.handler is not None:
                self.cache.revalidate(self._hop_lookup(time.monotonic()))
        except Exception:
            self.log.exception("xdp: flow sync failed")
        if time.monotonic() - started > SYNC_PERIOD:
            self.log.warning("xdp: a flow sync took longer than its period")
        if self.program is not None:
            self._arm()


def load_program() -> FastPathProgram:
    """Build (if needed) and load the fast-path program; raises with the reason."""
    return FastPathProgram()

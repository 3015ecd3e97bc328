"""wrr: weighted round robin (ip_vs_wrr.c)."""

from __future__ import annotations

from math import gcd
from typing import TYPE_CHECKING

from pylvs.core.schedulers.base import Rand32, Scheduler

if TYPE_CHECKING:
    from pylvs.core.meta import PacketMeta
    from pylvs.core.model import Dest, Service


def _gcd_weight(svc: Service) -> int:
    g = 0
    for d in svc.dests:
        if d.weight > 0:
            g = gcd(g, d.weight)
    return g or 1


def _max_weight(svc: Service) -> int:
    return max((d.weight for d in svc.dests), default=0)


class WeightedRoundRobin(Scheduler):
    """Steps a current weight ``cw`` down by the weights' gcd from the maximum.

    Each pass over the list hands a connection to every usable dest whose
    weight is at least ``cw``. As in the kernel, the scheduler is usually
    bound to an empty service (``cw`` = 0), and the first dest added then sets
    ``cw`` to that dest's own weight, which shapes the opening sequence.
    """

    name = "wrr"

    def __init__(self, svc: Service) -> None:
        self.cl = -1  # index of the last choice; -1: the list head
        self.di = _gcd_weight(svc)
        self.mw = _max_weight(svc) - (self.di - 1)
        self.cw = self.mw

    def _dest_changed(self, svc: Service) -> None:
        self.cl = -1
        self.di = _gcd_weight(svc)
        self.mw = _max_weight(svc) - (self.di - 1)
        if self.cw > self.mw or self.cw == 0:
            self.cw = self.mw
        elif self.di > 1:
            self.cw = (self.cw // self.di) * self.di + 1

    def add_dest(self, svc: Service, dest: Dest) -> None:
        self._dest_changed(svc)

    def del_dest(self, svc: Service, dest: Dest, index: int) -> None:
        self._dest_changed(svc)

    def upd_dest(self, svc: Service, dest: Dest) -> None:
        self._dest_changed(svc)

    def schedule(self, svc: Service, pkt: PacketMeta, now: float, rand32: Rand32) -> Dest | None:
        if self.mw == 0:
            return None
        dests = svc.dests
        n = len(dests)
        last = self.cl if self.cl < n else -1
        i = last
        stop = -2  # no stop element yet
        last_pass = restarted = False
        while True:
            i += 1
            cw = self.cw
            while i < n:
                d = dests[i]
                if d.weight >= cw and not d.overloaded:
                    self.cl = i
                    return d
                if i == stop:
                    self.cl = i
                    return None  # all destinations are overloaded
                i += 1
            self.cw -= self.di
            if self.cw <= 0:
                self.cw = self.mw
                if last_pass or last == -1:
                    self.cl = -1
                    return None
                restarted = True
            last_pass = self.cw <= self.di
            if last_pass and restarted and last != -1:
                stop = last
            i = -1

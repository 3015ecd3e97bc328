"""wrr: weighted round robin (ip_vs_wrr.c)."""

from __future__ import annotations

from bisect import bisect_right
from math import gcd
from typing import TYPE_CHECKING, Final

from pylvs.core.constants import DEST_F_OVERLOAD
from pylvs.core.schedulers.base import Rand32, Scheduler

if TYPE_CHECKING:
    from pylvs.core.meta import PacketMeta
    from pylvs.core.model import Dest, Service


MAX_LEVELS: Final = 256  # cached candidate lists, one per current-weight level
_bisect_right: Final = bisect_right


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
    ``cw`` to the maximum of that dest alone (1 after gcd scaling), so a new
    service opens with one pass over every dest.

    The walk visits only the dests heavy enough for ``cw`` (lists cached per
    level until the dests change), so a skewed weight set costs no full scans.
    """

    name = "wrr"

    def __init__(self, svc: Service) -> None:
        self.levels: dict[int, list[int]] = {}  # cw -> indexes of dests with weight >= cw
        self.cl = -1  # index of the last choice; -1: the list head
        self.di = _gcd_weight(svc)
        self.mw = _max_weight(svc) - (self.di - 1)
        self.cw = self.mw

    def _dest_changed(self, svc: Service) -> None:
        self.levels.clear()
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

    def _candidates(self, svc: Service, cw: int) -> list[int]:
        """List indexes of the dests heavy enough for the current weight ``cw``."""
        found = self.levels.get(cw)
        if found is None:
            if len(self.levels) >= MAX_LEVELS:
                self.levels.clear()
            found = self.levels[cw] = [i for i, d in enumerate(svc.dests) if d.weight >= cw]
        return found

    def schedule(self, svc: Service, pkt: PacketMeta, now: float, rand32: Rand32) -> Dest | None:
        if self.mw == 0:
            return None
        dests = svc.dests
        if self.cl >= len(dests):
            self.cl = -1
        last = i = self.cl
        j = i + 1  # the usual case: the very next element will do
        if j < len(dests):
            d = dests[j]
            if d.weight >= self.cw and not d.flags & DEST_F_OVERLOAD:
                self.cl = j
                return d
        stop = -2  # the list element where a last pass gives up; none yet
        last_pass = restarted = False
        while True:
            # the kernel walks every element after i; only those with weight >= cw can
            # be chosen, so walk those, minding the stop element in between
            cands = self._candidates(svc, self.cw)
            k = _bisect_right(cands, i)
            while k < len(cands):
                j = cands[k]
                k += 1
                if i < stop < j:
                    self.cl = stop
                    return None  # all destinations are overloaded
                d = dests[j]
                if not d.flags & DEST_F_OVERLOAD:
                    self.cl = j
                    return d
                if j == stop:
                    self.cl = j
                    return None
            if i < stop:
                self.cl = stop
                return None
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

"""rr: round robin (ip_vs_rr.c)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pylvs.core.constants import DEST_F_OVERLOAD
from pylvs.core.schedulers.base import Rand32, Scheduler

if TYPE_CHECKING:
    from pylvs.core.meta import PacketMeta
    from pylvs.core.model import Dest, Service


class RoundRobin(Scheduler):
    """Walks the list from the last choice, skipping overloaded and weight-0 dests.

    The cursor is the list index of the last choice (-1: the list head), kept
    right by the add/delete hooks so that a choice costs no list search.
    """

    name = "rr"

    def __init__(self, svc: Service) -> None:
        self.pos = -1

    def add_dest(self, svc: Service, dest: Dest) -> None:
        if self.pos >= 0:
            self.pos += 1  # a new dest is inserted in front of the cursor

    def del_dest(self, svc: Service, dest: Dest, index: int) -> None:
        # the kernel moves a cursor on the deleted dest to its predecessor
        if self.pos >= index:
            self.pos -= 1

    def schedule(self, svc: Service, pkt: PacketMeta, now: float, rand32: Rand32) -> Dest | None:
        dests = svc.dests
        n = len(dests)
        start = self.pos
        if start >= n:
            start = -1
        i = start + 1
        while i < n:
            d = dests[i]
            if d.weight > 0 and not d.flags & DEST_F_OVERLOAD:
                self.pos = i
                return d
            i += 1
        if start >= 0:  # second pass: from the start up to and including the cursor
            for i in range(start + 1):
                d = dests[i]
                if d.weight > 0 and not d.flags & DEST_F_OVERLOAD:
                    self.pos = i
                    return d
        return None

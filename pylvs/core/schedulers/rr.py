"""rr: round robin (ip_vs_rr.c)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pylvs.core.schedulers.base import Rand32, Scheduler

if TYPE_CHECKING:
    from pylvs.core.meta import PacketMeta
    from pylvs.core.model import Dest, Service


class RoundRobin(Scheduler):
    """Walks the list from the last choice, skipping overloaded and weight-0 dests."""

    name = "rr"

    def __init__(self, svc: Service) -> None:
        self.cursor: Dest | None = None  # None: the list head

    def del_dest(self, svc: Service, dest: Dest, index: int) -> None:
        if self.cursor is dest:
            # the kernel moves the cursor to the deleted dest's predecessor
            self.cursor = svc.dests[index - 1] if index > 0 else None

    def schedule(self, svc: Service, pkt: PacketMeta, now: float, rand32: Rand32) -> Dest | None:
        dests = svc.dests
        n = len(dests)
        order: range | list[int]
        if self.cursor is None:
            order = range(n)
        else:
            start = dests.index(self.cursor)
            # after the cursor to the end, then from the start up to and including it
            order = [*range(start + 1, n), *range(start + 1)]
        for i in order:
            d = dests[i]
            if not d.overloaded and d.weight > 0:
                self.cursor = d
                return d
        return None

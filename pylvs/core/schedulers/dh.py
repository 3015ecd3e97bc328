"""dh: destination hashing (ip_vs_dh.c)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from pylvs.core.constants import DEST_F_OVERLOAD
from pylvs.core.schedulers.base import Rand32, Scheduler
from pylvs.core.schedulers.hashing import fold_addr, hash_32

if TYPE_CHECKING:
    from pylvs.core.meta import PacketMeta
    from pylvs.core.model import Dest, Service

DH_TAB_BITS: Final = 8
DH_TAB_SIZE: Final = 1 << DH_TAB_BITS


class DestinationHashing(Scheduler):
    """A 256-bucket table over the dests (one bucket each per cycle), keyed by destination IP.

    The table is rebuilt when dests are added or deleted, not when edited;
    the chosen dest is refused (no fallback) when unavailable, weight 0 or
    overloaded.
    """

    name = "dh"

    def __init__(self, svc: Service) -> None:
        self.buckets: list[Dest | None] = []
        self._reassign(svc)

    def _reassign(self, svc: Service) -> None:
        dests = svc.dests
        n = len(dests)
        if n == 0:
            self.buckets = [None] * DH_TAB_SIZE
        else:
            self.buckets = [dests[i % n] for i in range(DH_TAB_SIZE)]

    def add_dest(self, svc: Service, dest: Dest) -> None:
        self._reassign(svc)

    def del_dest(self, svc: Service, dest: Dest, index: int) -> None:
        self._reassign(svc)

    def schedule(self, svc: Service, pkt: PacketMeta, now: float, rand32: Rand32) -> Dest | None:
        d = self.buckets[hash_32(fold_addr(svc.af, pkt.daddr), DH_TAB_BITS)]
        if d is None or not d.available or d.weight <= 0 or d.flags & DEST_F_OVERLOAD:
            return None
        return d

"""ovf: weighted overflow (ip_vs_ovf.c)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pylvs.core.constants import DEST_F_OVERLOAD
from pylvs.core.schedulers.base import Rand32, Scheduler

if TYPE_CHECKING:
    from pylvs.core.meta import PacketMeta
    from pylvs.core.model import Dest, Service


class WeightedOverflow(Scheduler):
    """The highest-weight usable dest whose active connections do not exceed its weight."""

    name = "ovf"

    def schedule(self, svc: Service, pkt: PacketMeta, now: float, rand32: Rand32) -> Dest | None:
        best: Dest | None = None
        for d in svc.dests:
            w = d.weight
            if d.flags & DEST_F_OVERLOAD or d.activeconns > w or w == 0:
                continue
            if best is None or w > best.weight:
                best = d
        return best

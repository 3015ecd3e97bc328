"""twos: power of two random choices (ip_vs_twos.c, Linux 6.5+)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from pylvs.core.constants import DEST_F_OVERLOAD
from pylvs.core.schedulers.base import Rand32, Scheduler

if TYPE_CHECKING:
    from pylvs.core.meta import PacketMeta
    from pylvs.core.model import Dest, Service


def random_below(ceil: int, rand32: Rand32) -> int:
    """A uniform integer in [0, ceil) from 32-bit draws (the kernel's get_random_u32_below)."""
    mult = ceil * rand32()
    if (mult & 0xFFFFFFFF) < ceil:
        bound = ((1 << 32) - ceil) % ceil  # 2^32 mod ceil, as the kernel's u32 -ceil % ceil
        while (mult & 0xFFFFFFFF) < bound:
            mult = ceil * rand32()
    return mult >> 32


class TwoChoices(Scheduler):
    """Draws two dests at random in proportion to weight, keeps the less loaded one."""

    name = "twos"

    def schedule(self, svc: Service, pkt: PacketMeta, now: float, rand32: Rand32) -> Dest | None:
        usable = [d for d in svc.dests if d.weight > 0 and not d.flags & DEST_F_OVERLOAD]
        if not usable:
            return None
        total = sum(d.weight for d in usable) + 1  # draws are inclusive of the sum
        r1 = random_below(total, rand32)
        r2 = random_below(total, rand32)
        # r <= sum, so both draws always land on a dest (a draw of 0 on the first)
        choice1 = choice2 = usable[-1]
        found1 = found2 = False
        for d in usable:
            r1 -= d.weight
            r2 -= d.weight
            if not found1 and r1 <= 0:
                choice1, found1 = d, True
            if not found2 and r2 <= 0:
                choice2, found2 = d, True
            if found1 and found2:
                break
        oh1 = (choice1.activeconns << 8) + choice1.inactconns
        oh2 = (choice2.activeconns << 8) + choice2.inactconns
        if choice2.weight * oh1 > choice1.weight * oh2:
            return choice2
        return choice1

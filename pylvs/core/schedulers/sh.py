"""sh: source hashing, with the sh-fallback and sh-port flags (ip_vs_sh.c)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Final

from pylvs.core.constants import COMPILED, DEST_F_OVERLOAD, SCHED_SH_FALLBACK, SCHED_SH_PORT
from pylvs.core.schedulers.base import Rand32, Scheduler
from pylvs.core.schedulers.hashing import GOLDEN_RATIO_32, M32, PORT_PROTOCOLS, fold_addr

if TYPE_CHECKING:
    from pylvs.core.meta import PacketMeta
    from pylvs.core.model import Dest, Service

SH_TAB_BITS: Final = 8
SH_TAB_SIZE: Final = 1 << SH_TAB_BITS
SH_TAB_MASK: Final = SH_TAB_SIZE - 1
_FALLBACK: Final = int(SCHED_SH_FALLBACK)
_PORT: Final = int(SCHED_SH_PORT)
_from_bytes: Final = int.from_bytes
_GOLDEN_HI: Final = GOLDEN_RATIO_32 >> 16  # 16-bit factors: compiled, every product is
_GOLDEN_LO: Final = GOLDEN_RATIO_32 & 0xFFFF  # a machine-int one


class SourceHashing(Scheduler):
    """A 256-bucket table keyed by client address (and port with ``sh-port``).

    Each dest takes ``weight`` consecutive buckets per cycle over the list (at
    least one); with ``sh-fallback`` an unusable dest's clients are rehashed
    around the table instead of being refused.
    """

    name = "sh"

    def __init__(self, svc: Service) -> None:
        self.buckets: list[Dest | None] = []
        self._reassign(svc)

    def _reassign(self, svc: Service) -> None:
        dests = svc.dests
        if not dests:
            self.buckets = [None] * SH_TAB_SIZE
            return
        buckets: list[Dest | None] = []
        n = len(dests)
        i = 0
        count = 0
        for _ in range(SH_TAB_SIZE):
            d = dests[i]
            buckets.append(d)
            count += 1
            if count >= d.weight:
                i = (i + 1) % n
                count = 0
        self.buckets = buckets

    def add_dest(self, svc: Service, dest: Dest) -> None:
        self._reassign(svc)

    def del_dest(self, svc: Service, dest: Dest, index: int) -> None:
        self._reassign(svc)

    def upd_dest(self, svc: Service, dest: Dest) -> None:
        self._reassign(svc)

    def schedule(self, svc: Service, pkt: PacketMeta, now: float, rand32: Rand32) -> Dest | None:
        flags = svc.flags
        # the client: for an ICMP error (related) the quoted packet travels towards
        # it, so it is the quoted destination (the kernel's inverse header)
        if pkt.related:
            addr, port = pkt.daddr, pkt.dport
        else:
            addr, port = pkt.saddr, pkt.sport
        if not flags & _PORT or pkt.protocol not in PORT_PROTOCOLS:
            port = 0
        if COMPILED:  # machine ints only: the address byte by byte, the product by halves
            if len(addr) == 4:
                x = port + (addr[0] << 24 | addr[1] << 16 | addr[2] << 8 | addr[3])
            else:
                x = port + fold_addr(svc.af, addr)
            xl = x & 0xFFFF
            xh = (x >> 16) & 0xFFFF
            h = ((xl * _GOLDEN_LO + (((xl * _GOLDEN_HI + xh * _GOLDEN_LO) & 0xFFFF) << 16))
                 & M32) >> (32 - SH_TAB_BITS)
        else:
            a = _from_bytes(addr) if len(addr) == 4 else fold_addr(svc.af, addr)
            h = (((port + a) * GOLDEN_RATIO_32) & M32) >> (32 - SH_TAB_BITS)
        buckets = self.buckets
        d = buckets[h]
        if d is None:
            return None
        if d.weight > 0 and not d.flags & DEST_F_OVERLOAD:
            return d
        if not flags & _FALLBACK:
            return None
        for offset in range(SH_TAB_SIZE):
            # the kernel adds the rotated offset on top of the hash once more
            d = buckets[(((offset + h) & SH_TAB_MASK) + h) & SH_TAB_MASK]
            if d is None:
                return None
            if d.weight > 0 and not d.flags & DEST_F_OVERLOAD:
                return d
        return None

"""mh: Maglev hashing, with the mh-fallback and mh-port flags (ip_vs_mh.c)."""

from __future__ import annotations

from math import gcd
from typing import TYPE_CHECKING, Final

from pylvs.core.constants import COMPILED, DEST_F_OVERLOAD, SCHED_MH_FALLBACK, SCHED_MH_PORT
from pylvs.core.schedulers.base import Rand32, Scheduler
from pylvs.core.schedulers.hashing import M32, PORT_PROTOCOLS, fold_addr, hsiphash_u32

if TYPE_CHECKING:
    from pylvs.core.meta import PacketMeta
    from pylvs.core.model import Dest, Service

MH_TAB_SIZE: Final = 4093  # the kernel's default (CONFIG_IP_VS_MH_TAB_INDEX 12): a prime
MH_TAB_BITS: Final = 6  # weights are scaled to at most this many bits
HASH1_KEY: Final = 2654435761  # both 64-bit key words of the first hash
HASH2_KEY: Final = 2654446892  # both 64-bit key words of the second hash
_FALLBACK: Final = int(SCHED_MH_FALLBACK)
_PORT: Final = int(SCHED_MH_PORT)
_from_bytes: Final = int.from_bytes


SLOT_MEMO_MAX: Final = 1 << 16
_slot_memo: Final[dict[int, int]] = {}  # memo of the pure function below, bounded


def forget_slots() -> None:
    """Empty the slot memo (benchmarks measure the hashing cost with it)."""
    _slot_memo.clear()


def lookup_slot(value: int) -> int:
    """The table slot for a hash input ``offset + port + addr`` (first hash mod table size)."""
    slot = _slot_memo.get(value)
    if slot is None:
        if len(_slot_memo) >= SLOT_MEMO_MAX:
            _slot_memo.clear()
        slot = _slot_memo[value] = hsiphash_u32(value, HASH1_KEY, HASH1_KEY) % MH_TAB_SIZE
    return slot


def dest_permutation(af: int, dest: Dest) -> tuple[int, int]:
    """A dest's (offset, skip): where its preference list starts and its stride."""
    value = (dest.port + fold_addr(af, dest.addr)) & M32
    offset = hsiphash_u32(value, HASH1_KEY, HASH1_KEY) % MH_TAB_SIZE
    skip = hsiphash_u32(value, HASH2_KEY, HASH2_KEY) % (MH_TAB_SIZE - 1) + 1
    return offset, skip


def build_table(svc: Service) -> list[Dest | None]:
    """The Maglev lookup table of ``svc``'s dests in list order, weighted by last_weight.

    A dest keeps its slots while its weight is 0 (last_weight remembers the
    last non-zero weight); with no non-zero last_weight the table is empty.
    """
    size = MH_TAB_SIZE
    g = 0
    top = 0
    for d in svc.dests:
        lw = d.last_weight
        if lw > 0:
            g = gcd(g, lw)
            top = max(top, lw)
    if g < 1:
        return [None] * size
    rshift = max(0, (top // g).bit_length() - MH_TAB_BITS)
    setups: list[list[int]] = []  # [perm, skip, turns] per dest, list order
    for d in svc.dests:
        offset, skip = dest_permutation(svc.af, d)
        lw = d.last_weight
        turns = (lw // g) >> rshift or (1 if lw != 0 else 0)
        setups.append([offset, skip, turns])
    table: list[Dest | None] = [None] * size
    dests = svc.dests
    n = 0
    while True:
        for i, setup in enumerate(setups):
            perm, skip, turns = setup
            if turns < 1:
                continue
            d = dests[i]
            for _ in range(turns):
                while table[perm] is not None:
                    perm += skip
                    if perm >= size:
                        perm -= size
                table[perm] = d
                n += 1
                if n == size:
                    return table
            setup[0] = perm


class MaglevHashing(Scheduler):
    """Maglev consistent hashing of the client address (and port with ``mh-port``).

    The 4093-slot table is rebuilt on every dest add, delete and edit; with
    ``mh-fallback`` an unusable dest's clients are rehashed with growing
    offsets instead of being refused.
    """

    name = "mh"

    def __init__(self, svc: Service) -> None:
        self.table: list[Dest | None] = []
        self._reassign(svc)

    def _reassign(self, svc: Service) -> None:
        if len(svc.dests) > MH_TAB_SIZE:
            if not self.table:  # the kernel refuses this and keeps the old table
                self.table = [None] * MH_TAB_SIZE
            return
        self.table = build_table(svc)

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
        if len(addr) != 4:
            base = port + fold_addr(svc.af, addr)
        elif COMPILED:  # byte by byte: machine-int operations, no call
            base = port + (addr[0] << 24 | addr[1] << 16 | addr[2] << 8 | addr[3])
        else:
            base = port + _from_bytes(addr)
        ih = _slot_memo.get(base & M32)
        if ih is None:
            ih = lookup_slot(base & M32)
        table = self.table
        d = table[ih]
        if d is None:
            return None
        if d.weight > 0 and not d.flags & DEST_F_OVERLOAD:
            return d
        if not flags & _FALLBACK:
            return None
        for offset in range(MH_TAB_SIZE):
            ro = (offset + ih) % MH_TAB_SIZE
            d = table[lookup_slot((ro + base) & M32)]
            if d is None:
                return None
            if d.weight > 0 and not d.flags & DEST_F_OVERLOAD:
                return d
        return None

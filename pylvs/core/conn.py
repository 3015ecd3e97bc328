"""The connection table: entries, their keys, destination binding and expiry.

An entry (:class:`Conn`) is keyed by one int packing (protocol, client
address, client port, virtual address, virtual port) for the inbound
direction; a NAT entry is also keyed by (protocol, real server address, real
port, client address, client port) for replies. Persistence templates live in
their own map with client port 0. Expiry runs off a timer wheel of one-second
buckets visited in order through a heap of bucket times, so each
:meth:`ConnTable.expire` call only touches entries that are due.

Destination counters follow the kernel (ip_vs_bind_dest/ip_vs_unbind_dest):
a connection counts as active or inactive by its INACTIVE flag, a template as
persistent; OVERLOAD is set on bind at the upper threshold and cleared on
unbind below the lower threshold (or 3/4 of the upper one).
"""

from __future__ import annotations

import heapq
from collections.abc import Iterator
from typing import Final

from pylvs.core.constants import (
    AF_INET,
    AF_INET6,
    COMPILED,
    DEST_F_AVAILABLE,
    DEST_F_OVERLOAD,
)
from pylvs.core.model import Dest
from pylvs.core.proto import INITIAL_TIMEOUT

# plain ints of the ConnFlag/FwdMethod bits used per packet (enum arithmetic is too slow
# for the hot path; literals, so that compiled code inlines them)
F_NOOUTPUT: Final = 0x0080
F_INACTIVE: Final = 0x0100
F_HASHED: Final = 0x0040
F_TEMPLATE: Final = 0x1000
F_ONE_PACKET: Final = 0x2000
FWD_MASQ: Final = 0

TEMPLATE_RECHECK: Final = 60  # seconds a template that still controls entries is re-armed for
CTPL_ASSURED: Final = 1  # template state once a connection it controls was confirmed

_MASK16: Final = 0xFFFF
_MASK48: Final = (1 << 48) - 1
_from_bytes: Final = int.from_bytes
_V6_MARK: Final = 0x100  # above the protocol byte: keeps IPv6 keys apart from IPv4 ones
INTERNED_FLAGS: Final[dict[int, int]] = {}  # one shared int object per flags value


def intern_flags(flags: int) -> int:
    """One shared int object per flags value (saves memory per entry)."""
    return INTERNED_FLAGS.setdefault(flags, flags)


def pack_key(af: int, protocol: int, saddr: bytes, sport: int, daddr: bytes, dport: int) -> int:
    """The table key of (protocol, saddr, sport, daddr, dport) as one int."""
    if af == AF_INET6:
        head = _V6_MARK | protocol
        return ((((head << 128 | int.from_bytes(saddr)) << 16 | sport) << 128
                 | int.from_bytes(daddr)) << 16) | dport
    # the same bits as ((((protocol << 32 | saddr) << 16 | sport) << 32 | daddr) << 16 | dport),
    # built as two halves of at most 56 bits (machine ints when compiled)
    return ((protocol << 48 | _from_bytes(saddr) << 16 | sport) << 48
            | (_from_bytes(daddr) << 16 | dport))


def key_af(key: int) -> int:
    """The address family a key was packed for."""
    return AF_INET6 if key >> 296 else AF_INET


def unpack_key(key: int) -> tuple[int, int, bytes, int, bytes, int]:
    """(af, protocol, saddr, sport, daddr, dport) of a key."""
    if key >> 296:
        bits, nbytes, af = 128, 16, AF_INET6
    else:
        bits, nbytes, af = 32, 4, AF_INET
    mask = (1 << bits) - 1
    dport = key & _MASK16
    key >>= 16
    daddr = (key & mask).to_bytes(nbytes)
    key >>= bits
    sport = key & _MASK16
    key >>= 16
    saddr = (key & mask).to_bytes(nbytes)
    protocol = (key >> bits) & 0xFF
    return af, protocol, saddr, sport, daddr, dport


def reply_key(conn: Conn) -> int:
    """The key a NAT reply (real server -> client) of ``conn`` is looked up by."""
    key = conn.key
    dest = conn.dest
    assert dest is not None
    if key >> 296:
        client = (key >> 144) & ((1 << 144) - 1)
        head = _V6_MARK | ((key >> 288) & 0xFF)
        return (((head << 128 | int.from_bytes(dest.addr)) << 16 | conn.dport) << 144) | client
    client = (key >> 48) & ((1 << 48) - 1)
    protocol = (key >> 96) & 0xFF
    return (((protocol << 32 | int.from_bytes(dest.addr)) << 16 | conn.dport) << 48) | client


class Conn:
    """One connection entry or persistence template (compact: one int key)."""

    __slots__ = ("key", "dest", "dport", "state", "flags", "timeout", "expires",
                 "control", "n_control")

    def __init__(self, key: int, dest: Dest, dport: int, flags: int, state: int = 0,
                 timeout: int = INITIAL_TIMEOUT, expires: float = 0.0) -> None:
        self.key = key  # pack_key(af, protocol, caddr, cport, vaddr, vport)
        self.dest: Dest | None = dest
        self.dport = dport  # real server port (templates: 0 unless port-specific)
        self.state = state
        self.flags = flags
        self.timeout = timeout
        self.expires = expires
        self.control: Conn | None = None  # the template controlling this entry
        self.n_control = 0  # entries this one controls

    @property
    def is_template(self) -> bool:
        """True for a persistence template."""
        return bool(self.flags & F_TEMPLATE)

    @property
    def fwd_method(self) -> int:
        """Forwarding method of the entry."""
        return self.flags & 7

    @property
    def protocol(self) -> int:
        """IP protocol of the entry (0 for fwmark templates)."""
        return unpack_key(self.key)[1]

    def __repr__(self) -> str:
        _, proto, caddr, cport, vaddr, vport = unpack_key(self.key)
        d = self.dest
        return (f"Conn(p={proto} {caddr.hex()}:{cport} -> {vaddr.hex()}:{vport} ->"
                f" {d.addr.hex() if d else '-'}:{self.dport} state={self.state}"
                f" flags={self.flags:#x} exp={self.expires})")


def bind_dest(conn: Conn, dest: Dest) -> None:
    """Count a new entry on its destination and apply the upper threshold."""
    if conn.flags & F_TEMPLATE:
        dest.persistconns += 1
    elif conn.flags & F_INACTIVE:
        dest.inactconns += 1
    else:
        dest.activeconns += 1
    dest.refcnt += 1
    if dest.u_threshold and dest.activeconns + dest.inactconns >= dest.u_threshold:
        dest.flags |= DEST_F_OVERLOAD


def unbind_dest(conn: Conn) -> None:
    """Uncount an entry from its destination and release the threshold if below it."""
    dest = conn.dest
    if dest is None:
        return
    if conn.flags & F_TEMPLATE:
        dest.persistconns -= 1
    elif conn.flags & F_INACTIVE:
        dest.inactconns -= 1
    else:
        dest.activeconns -= 1
    total = dest.activeconns + dest.inactconns
    if dest.l_threshold:
        if total < dest.l_threshold:
            dest.flags &= ~DEST_F_OVERLOAD
    elif dest.u_threshold:
        if total * 4 < dest.u_threshold * 3:
            dest.flags &= ~DEST_F_OVERLOAD
    else:
        dest.flags &= ~DEST_F_OVERLOAD
    dest.refcnt -= 1


def set_active(conn: Conn, active: bool) -> None:
    """Move an entry between its destination's active and inactive counts."""
    inactive = bool(conn.flags & F_INACTIVE)
    if active == (not inactive):
        return
    dest = conn.dest
    if active:
        conn.flags = intern_flags(conn.flags & ~F_INACTIVE)
        if dest is not None:
            dest.activeconns += 1
            dest.inactconns -= 1
    else:
        conn.flags = intern_flags(conn.flags | F_INACTIVE)
        if dest is not None:
            dest.activeconns -= 1
            dest.inactconns += 1


class ConnTable:
    """All connection entries and templates of one director, with their expiry timers."""

    def __init__(self) -> None:
        self.conns: dict[int, Conn] = {}  # inbound key -> entry
        self.replies: dict[int, Conn] = {}  # NAT reply key -> entry
        self.templates: dict[int, Conn] = {}  # template key -> template
        self.invalid_templates: set[Conn] = set()  # unmatchable, waiting for their timer
        self.wheel: dict[int, list[Conn]] = {}  # second -> entries due then (or later)
        self._ticks: list[int] = []

    def __len__(self) -> int:
        return len(self.conns) + len(self.templates) + len(self.invalid_templates)

    def entries(self) -> Iterator[Conn]:
        """Every hashed entry and template."""
        yield from self.conns.values()
        yield from self.templates.values()
        yield from self.invalid_templates

    # -- creation and lookup -------------------------------------------------

    def lookup_in(self, af: int, protocol: int, saddr: bytes, sport: int, daddr: bytes,
                  dport: int) -> Conn | None:
        """The entry of an inbound packet (client -> virtual service), if any."""
        if af == AF_INET:  # pack_key, inlined for the common case
            if COMPILED:  # byte by byte: machine-int operations, no call
                return self.conns.get(
                    (protocol << 48 | saddr[0] << 40 | saddr[1] << 32 | saddr[2] << 24
                     | saddr[3] << 16 | sport) << 48
                    | (daddr[0] << 40 | daddr[1] << 32 | daddr[2] << 24 | daddr[3] << 16 | dport))
            return self.conns.get((protocol << 48 | _from_bytes(saddr) << 16 | sport) << 48
                                  | (_from_bytes(daddr) << 16 | dport))
        return self.conns.get(pack_key(af, protocol, saddr, sport, daddr, dport))

    def lookup_reply(self, af: int, protocol: int, saddr: bytes, sport: int, daddr: bytes,
                     dport: int) -> Conn | None:
        """The NAT entry of a reply packet (real server -> client), if any."""
        return self.replies.get(pack_key(af, protocol, saddr, sport, daddr, dport))

    def new(self, key: int, dest: Dest, dport: int, flags: int, now: float) -> Conn:
        """Create an entry bound to ``dest`` and hash it (one-packet entries stay unhashed)."""
        flags |= dest.conn_flags
        one_packet = flags & F_ONE_PACKET
        if not one_packet:
            flags |= F_HASHED
        conn = Conn(key, dest, dport, intern_flags(flags))
        # bind_dest, inlined: this runs for every new connection
        if flags & F_TEMPLATE:
            dest.persistconns += 1
        elif flags & F_INACTIVE:
            dest.inactconns += 1
        else:
            dest.activeconns += 1
        dest.refcnt += 1
        u_threshold = dest.u_threshold
        if u_threshold and dest.activeconns + dest.inactconns >= u_threshold:
            dest.flags |= DEST_F_OVERLOAD
        if not one_packet:
            if flags & F_TEMPLATE:
                self.templates[key] = conn
            else:
                self.conns[key] = conn
                if flags & 7 == FWD_MASQ:
                    self.replies[reply_key(conn)] = conn
        return conn

    def hash(self, conn: Conn) -> None:
        """Enter ``conn`` in the lookup maps."""
        conn.flags = intern_flags(conn.flags | F_HASHED)
        if conn.flags & F_TEMPLATE:
            self.templates[conn.key] = conn
            return
        self.conns[conn.key] = conn
        if conn.flags & 7 == FWD_MASQ:
            self.replies[reply_key(conn)] = conn

    def unhash(self, conn: Conn) -> bool:
        """Remove ``conn`` from the lookup maps; False when it was not hashed."""
        if not conn.flags & F_HASHED:
            return False
        conn.flags = intern_flags(conn.flags & ~F_HASHED)
        if conn.flags & F_TEMPLATE:
            if self.templates.get(conn.key) is conn:
                del self.templates[conn.key]
            else:
                self.invalid_templates.discard(conn)
            return True
        del self.conns[conn.key]
        if conn.flags & 7 == FWD_MASQ:
            self.replies.pop(reply_key(conn), None)
        return True

    def invalidate_template(self, tpl: Conn) -> None:
        """Make a template unmatchable (vport/dport 65535) and leave it to its timer."""
        if tpl.key & _MASK16 == _MASK16 or not tpl.flags & F_HASHED:
            return
        if self.templates.get(tpl.key) is tpl:
            del self.templates[tpl.key]
        tpl.key |= _MASK16
        tpl.dport = _MASK16
        self.invalid_templates.add(tpl)

    # -- timers --------------------------------------------------------------

    def arm(self, conn: Conn, now: float) -> None:
        """(Re)start the entry's timer: it expires at now + its timeout."""
        old = conn.expires
        expires = now + conn.timeout
        conn.expires = expires
        tick = int(expires)
        if old and tick >= int(old):
            return  # its bucket comes first; the entry is moved on when it is visited
        self.push(conn, tick)

    def push(self, conn: Conn, tick: int) -> None:
        """Put ``conn`` in the timer bucket of second ``tick``."""
        bucket = self.wheel.get(tick)
        if bucket is None:
            self.wheel[tick] = [conn]
            heapq.heappush(self._ticks, tick)
        else:
            bucket.append(conn)

    def expire(self, now: float) -> None:
        """Run the timers of every entry due at ``now`` (expires <= now)."""
        ticks = self._ticks
        wheel = self.wheel
        later: list[Conn] = []  # not due yet but in a bucket already visited
        while ticks and ticks[0] <= now:
            tick = heapq.heappop(ticks)
            for conn in wheel.pop(tick):
                if not conn.flags & F_HASHED:
                    continue
                if conn.expires > now:
                    if conn.expires >= tick + 1:
                        self.push(conn, int(conn.expires))
                    else:
                        later.append(conn)
                else:
                    conn.expires = 0.0  # in no bucket now: a re-arm must push it
                    self.timer_fired(conn, now)
        for conn in later:
            if conn.flags & F_HASHED:
                self.push(conn, int(conn.expires))

    def timer_fired(self, conn: Conn, now: float) -> None:
        """An entry's timer ran out: re-arm it while it controls others, else remove it."""
        if conn.n_control:
            conn.timeout = TEMPLATE_RECHECK
            self.arm(conn, now)
            return
        self.remove(conn, now)

    def remove(self, conn: Conn, now: float) -> None:
        """Unlink an entry: unhash, release its template, unbind its destination."""
        if not self.unhash(conn) and not conn.flags & F_ONE_PACKET:
            return
        ctl = conn.control
        if ctl is not None:
            drop_ctl = conn.timeout == 0
            conn.control = None
            ctl.n_control -= 1
            if drop_ctl and not ctl.n_control and not (
                ctl.flags & F_TEMPLATE and ctl.state & CTPL_ASSURED
            ):
                self.delete(ctl, now)
        unbind_dest(conn)

    def delete(self, conn: Conn, now: float) -> None:
        """Expire an entry now, dropping an unassured template it leaves unused."""
        if not conn.flags & F_HASHED:
            return
        if conn.control is not None:
            conn.timeout = 0
        if conn.n_control:
            conn.timeout = TEMPLATE_RECHECK
            self.arm(conn, now)
            return
        self.remove(conn, now)

    def expire_now(self, conn: Conn, now: float) -> None:
        """Make the entry's timer fire now (the kernel's ip_vs_conn_expire_now)."""
        if conn.flags & F_HASHED:
            self.timer_fired(conn, now)

    def flush_dest_conns(self, now: float) -> None:
        """Delete entries whose destination is gone, with their unused templates."""
        doomed = [c for c in self.entries()
                  if c.dest is not None and not c.dest.flags & DEST_F_AVAILABLE]
        for conn in doomed:
            if conn.n_control or not conn.flags & F_HASHED:
                continue
            ctl = conn.control
            self.delete(conn, now)
            if ctl is not None and not ctl.n_control:
                self.delete(ctl, now)

"""Packet processing: the datapath's single entry point into core (ip_vs_in/ip_vs_out).

:func:`process` takes one packet's :class:`PacketMeta` and returns a
:class:`Verdict`. Inbound packets (client -> virtual service) are matched
against the connection table or scheduled into a new entry; NAT replies are
matched by their reply key. Counters, the state machine and entry timers are
updated here, all driven by the ``now`` passed in.

ICMP errors (``meta.related``) carry the quoted packet's tuple; the entry is
found by that tuple reversed (the quoted packet travelled the other way),
counted, and never changes state or creates an entry.

SCTP is handled without its state machine (PacketMeta has no chunk types):
any SCTP packet of a service opens an entry, as with ``sloppy_sctp``, and an
entry lives ``SCTP_TIMEOUT`` seconds after its last packet, listed as
ESTABLISHED.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Final

from pylvs.core.conn import (
    CTPL_ASSURED,
    F_HASHED,
    F_INACTIVE,
    F_NOOUTPUT,
    F_ONE_PACKET,
    F_TEMPLATE,
    FWD_MASQ,
    INTERNED_FLAGS,
    Conn,
    intern_flags,
    pack_key,
    reply_key,
    set_active,
    unpack_key,
)
from pylvs.core.constants import (
    AF_INET,
    COMPILED,
    DEST_F_AVAILABLE,
    DEST_F_OVERLOAD,
    IPPROTO_SCTP,
    IPPROTO_TCP,
    IPPROTO_UDP,
    SvcFlag,
)
from pylvs.core.meta import (
    TCP_ACK,
    TCP_FIN,
    TCP_RST,
    TCP_SYN,
    Action,
    Direction,
    PacketMeta,
    Verdict,
)
from pylvs.core.persistence import FTP_PORT, check_template, template_key
from pylvs.core.proto import (
    TCP_ACTIVE,
    TCP_TABLES,
    TCP_TIMEOUTS,
    Table,
    TcpState,
    tcp_next_state,
    tcp_timeout,
)

if TYPE_CHECKING:
    from pylvs.core.ipvs import IPVS
    from pylvs.core.model import Dest, Service

FTP_DATA_PORT: Final = 20
_intern: Final = INTERNED_FLAGS.setdefault  # intern_flags without the call
_from_bytes: Final = int.from_bytes
_SVC_ONEPACKET: Final = int(SvcFlag.ONEPACKET)
_SVC_PERSISTENT: Final = int(SvcFlag.PERSISTENT)
_SVC_SLOW: Final = _SVC_ONEPACKET | _SVC_PERSISTENT  # services that take _schedule's full path
_IN: Final = int(Direction.IN)
_OUT: Final = int(Direction.OUT)
_FORWARD: Final = int(Action.FORWARD)
_NAT_OUT: Final = int(Action.NAT_OUT)
_PASS: Final = int(Action.PASS)
_DROP: Final = int(Action.DROP)
_REJECT: Final = int(Action.REJECT)
_ESTABLISHED: Final = int(TcpState.ESTABLISHED)
_FIN_WAIT: Final = int(TcpState.FIN_WAIT)
_CLOSE: Final = int(TcpState.CLOSE)
_TIME_WAIT: Final = int(TcpState.TIME_WAIT)
_INPUT: Final = int(Table.INPUT)
_OUTPUT: Final = int(Table.OUTPUT)
_INPUT_ONLY: Final = int(Table.INPUT_ONLY)

# Reasons named in verdicts that do not forward
NO_SERVICE: Final = "no-service"  # PASS: no virtual service for the packet
NO_CONN: Final = "no-conn"  # PASS: TCP segment that cannot open a connection, no entry
FTP_DATA: Final = "ftp-data"  # PASS: active FTP data from port 20 is never scheduled
FTP_OTHER: Final = "ftp-other-port"  # PASS: other port on an FTP service's VIP, no dest
NO_DEST: Final = "no-dest"  # REJECT: the scheduler found no destination
ICMP_NO_DEST: Final = "icmp-no-dest"  # DROP: ICMP error for a service without destination
DEST_GONE: Final = "dest-unavailable"  # DROP: the entry's destination was removed
NOT_OURS: Final = "no-reply-conn"  # PASS (REJECT with nat_icmp_send): reply matching no NAT entry
RELATED_NO_CONN: Final = "icmp-no-conn"  # PASS: ICMP error about no known entry
UNSUPPORTED: Final = "unsupported-protocol"  # PASS: IPVS handles only TCP, UDP and SCTP

SCTP_TIMEOUT: Final = 900  # the kernel's SCTP ESTABLISHED timeout


def process(ipvs: IPVS, meta: PacketMeta, now: float, rand32: Callable[[], int]) -> Verdict:
    """Process one packet and say what the datapath must do with it."""
    if meta.direction == _OUT:
        return process_out(ipvs, meta, now)
    return process_in(ipvs, meta, now, rand32)


def _forward(conn: Conn) -> Verdict:
    dest = conn.dest
    assert dest is not None
    return Verdict(
        _FORWARD, conn.flags & 7, dest.af, dest.addr, conn.dport,
        tun_type=dest.tun_type, tun_port=dest.tun_port, tun_flags=dest.tun_flags, conn=conn,
    )


def _in_stats(ipvs: IPVS, conn: Conn, length: int) -> None:
    dest = conn.dest
    if dest is not None and dest.flags & DEST_F_AVAILABLE:
        s = dest.stats
        s.inpkts += 1
        s.inbytes += length
        svc = dest.svc
        if svc is not None:
            s = svc.stats
            s.inpkts += 1
            s.inbytes += length
        s = ipvs.stats
        s.inpkts += 1
        s.inbytes += length


def _out_stats(ipvs: IPVS, conn: Conn, length: int) -> None:
    dest = conn.dest
    if dest is not None and dest.flags & DEST_F_AVAILABLE:
        s = dest.stats
        s.outpkts += 1
        s.outbytes += length
        svc = dest.svc
        if svc is not None:
            s = svc.stats
            s.outpkts += 1
            s.outbytes += length
        s = ipvs.stats
        s.outpkts += 1
        s.outbytes += length


def _conn_stats(ipvs: IPVS, svc: Service, dest: Dest) -> None:
    dest.stats.conns += 1
    svc.stats.conns += 1
    ipvs.stats.conns += 1


def _assure_template(conn: Conn) -> None:
    ctl = conn.control
    if ctl is not None and ctl.flags & F_TEMPLATE:
        ctl.state |= CTPL_ASSURED


def enter_tcp_state(ipvs: IPVS, conn: Conn, new: int) -> None:
    """Put a TCP entry in state ``new`` with what a state change brings: the
    active/inactive counts, the template assured on ESTABLISHED, the state's timeout."""
    if new != conn.state:
        set_active(conn, TCP_ACTIVE[new])
        if new == _ESTABLISHED:
            _assure_template(conn)
    conn.state = new
    timeouts = ipvs.timeouts
    conn.timeout = tcp_timeout(new, timeouts.tcp, timeouts.tcpfin)


def set_state(ipvs: IPVS, conn: Conn, protocol: int, direction: int, tcp_flags: int) -> None:
    """Run the protocol's state machine for one packet and set the entry's timeout."""
    timeouts = ipvs.timeouts
    if protocol == IPPROTO_TCP:
        if direction == _OUT:
            table = _OUTPUT
            if conn.flags & F_NOOUTPUT:
                conn.flags = intern_flags(conn.flags & ~F_NOOUTPUT)
        elif conn.flags & F_NOOUTPUT:
            table = _INPUT_ONLY
        else:
            table = _INPUT
        enter_tcp_state(ipvs, conn, tcp_next_state(table, conn.state, tcp_flags))
    elif protocol == IPPROTO_UDP:
        conn.timeout = timeouts.udp
        if direction == _OUT:
            _assure_template(conn)
    # other protocols keep the entry's timeout


def _is_nat_real_server(ipvs: IPVS, meta: PacketMeta) -> bool:
    """Whether the packet comes from a NAT destination (ip_vs_has_real_service)."""
    for svc in ipvs.services.values():
        if svc.af != meta.af or (svc.protocol != meta.protocol and not svc.fwmark):
            continue
        for d in svc.dests:
            if d.addr == meta.saddr and d.port == meta.sport and d.conn_flags & 7 == 0:
                return True
    return False


def process_out(ipvs: IPVS, meta: PacketMeta, now: float) -> Verdict:
    """Process a packet from a real server (a NAT reply or an ICMP error about one)."""
    table = ipvs.conns
    if meta.related:
        key = pack_key(meta.af, meta.protocol, meta.daddr, meta.dport, meta.saddr, meta.sport)
    else:
        key = pack_key(meta.af, meta.protocol, meta.saddr, meta.sport, meta.daddr, meta.dport)
    conn = table.replies.get(key)
    if conn is None:
        if meta.related:
            return Verdict(_PASS, reason=RELATED_NO_CONN)
        if (
            ipvs.sysctls.nat_icmp_send
            and meta.protocol in (IPPROTO_TCP, IPPROTO_UDP)
            and not (meta.protocol == IPPROTO_TCP and meta.tcp_flags & TCP_RST)
            and _is_nat_real_server(ipvs, meta)
        ):
            return Verdict(_REJECT, reason=NOT_OURS)
        return Verdict(_PASS, reason=NOT_OURS)
    _out_stats(ipvs, conn, meta.length)
    if not meta.related:
        set_state(ipvs, conn, meta.protocol, _OUT, meta.tcp_flags)
        table.arm(conn, now)
    _, _, _, _, vaddr, vport = unpack_key(conn.key)
    dest = conn.dest
    assert dest is not None
    return Verdict(_NAT_OUT, conn.flags & 7, dest.af, dest.addr, conn.dport,
                   vaddr=vaddr, vport=vport, conn=conn)


def _is_new_conn_expected(conn: Conn, protocol: int, reuse_mode: int) -> bool:
    if conn.control is not None:
        return False
    if protocol != IPPROTO_TCP:
        return False
    state = conn.state
    return (
        state in (_TIME_WAIT, _CLOSE)
        or bool(
            reuse_mode & 2
            and state == _FIN_WAIT
            and conn.flags & F_NOOUTPUT
        )
    )


def process_in(
    ipvs: IPVS, meta: PacketMeta, now: float, rand32: Callable[[], int]
) -> Verdict:
    """Process a packet from a client to a virtual service (or an ICMP error from one)."""
    table = ipvs.conns
    protocol = meta.protocol
    if protocol != IPPROTO_TCP and protocol != IPPROTO_UDP and protocol != IPPROTO_SCTP:
        return Verdict(_PASS, reason=UNSUPPORTED)
    if meta.related:
        key = pack_key(meta.af, protocol, meta.daddr, meta.dport, meta.saddr, meta.sport)
        conn = table.conns.get(key)
        if conn is None:
            return Verdict(_PASS, reason=RELATED_NO_CONN)
        # ip_vs_in_icmp forwards it even when the dest was removed (only stats stop)
        _in_stats(ipvs, conn, meta.length)
        return _forward(conn)

    if meta.af == AF_INET:  # pack_key, inlined for the common case
        if COMPILED:  # byte by byte: machine-int operations, no call
            a = meta.daddr
            vkey = a[0] << 40 | a[1] << 32 | a[2] << 24 | a[3] << 16 | meta.dport
            a = meta.saddr
            key = (protocol << 48 | a[0] << 40 | a[1] << 32 | a[2] << 24 | a[3] << 16
                   | meta.sport) << 48 | vkey
        else:
            vkey = _from_bytes(meta.daddr) << 16 | meta.dport  # also the service's index4 key
            key = (protocol << 48 | _from_bytes(meta.saddr) << 16 | meta.sport) << 48 | vkey
    else:
        vkey = -1
        key = pack_key(meta.af, protocol, meta.saddr, meta.sport, meta.daddr, meta.dport)
    conn = table.conns.get(key)
    sysctls = ipvs.sysctls
    if conn is not None:
        if protocol == IPPROTO_TCP and meta.tcp_flags & TCP_SYN:
            dest = conn.dest
            nodest = sysctls.expire_nodest_conn and dest is not None and dest.weight == 0
            if nodest or (
                sysctls.conn_reuse_mode
                and _is_new_conn_expected(conn, protocol, sysctls.conn_reuse_mode)
            ):
                # only templates control entries here, and they are never looked up
                # as connections: the old entry can always go at once
                table.remove(conn, now)
                conn = None
        if conn is not None:
            dest = conn.dest
            if dest is not None and not dest.flags & DEST_F_AVAILABLE:
                if not sysctls.expire_nodest_conn:
                    return Verdict(_DROP, reason=DEST_GONE, conn=conn)
                table.remove(conn, now)
                conn = None

    if conn is None:
        # IPVS.lookup_service, with its first probe inlined for IPv4 packets without a mark
        svc = None if meta.fwmark or vkey < 0 else ipvs.index4[protocol].get(vkey)
        if svc is None:
            svc = ipvs.lookup_service(meta.af, protocol, meta.daddr, meta.dport, meta.fwmark)
        if svc is None:
            return Verdict(_PASS, reason=NO_SERVICE)
        if protocol == IPPROTO_TCP:
            flags = meta.tcp_flags
            if flags & TCP_RST or not (flags & TCP_SYN or sysctls.sloppy_tcp):
                return Verdict(_PASS, reason=NO_CONN)
        if not svc.flags & _SVC_SLOW and meta.sport != FTP_DATA_PORT:
            # the common case: neither persistent nor one-packet, not FTP data
            dport = meta.dport
            if not svc.fwmark and dport != svc.port:
                return _leave(svc, meta)
            sched = svc.scheduler
            dest = sched.schedule(svc, meta, now, rand32) if sched is not None else None
            if dest is None:
                return _leave(svc, meta)
            return _enter_new(ipvs, svc, dest, key, dest.port or dport, meta, now)
        result = _schedule(ipvs, svc, meta, key, now, rand32)
        if isinstance(result, Verdict):
            return result
        conn = result

    return _deliver_in(ipvs, conn, meta, now)


def _deliver_in(ipvs: IPVS, conn: Conn, meta: PacketMeta, now: float) -> Verdict:
    """Count, run the state machine, re-arm and forward an inbound packet of ``conn``.

    This is ``_in_stats`` + ``set_state`` + ``_put`` + ``_forward`` written out in
    one function: it runs for every inbound packet.
    """
    dest = conn.dest
    assert dest is not None
    length = meta.length
    if dest.flags & DEST_F_AVAILABLE:
        st = dest.stats
        st.inpkts += 1
        st.inbytes += length
        svc = dest.svc
        if svc is not None:
            st = svc.stats
            st.inpkts += 1
            st.inbytes += length
        st = ipvs.stats
        st.inpkts += 1
        st.inbytes += length
    protocol = meta.protocol
    if protocol == IPPROTO_TCP:
        flags = meta.tcp_flags
        tables = TCP_TABLES[_INPUT_ONLY if conn.flags & F_NOOUTPUT else _INPUT]
        state = conn.state
        if flags & TCP_RST:
            new = tables[3][state]
        elif flags & TCP_SYN:
            new = tables[0][state]
        elif flags & TCP_FIN:
            new = tables[1][state]
        elif flags & TCP_ACK:
            new = tables[2][state]
        else:
            new = _CLOSE
        if new != state:
            set_active(conn, TCP_ACTIVE[new])
            if new == _ESTABLISHED:
                _assure_template(conn)
            conn.state = new
        if new == _ESTABLISHED:
            conn.timeout = ipvs.timeouts.tcp
        elif new == _FIN_WAIT:
            conn.timeout = ipvs.timeouts.tcpfin
        else:
            conn.timeout = TCP_TIMEOUTS[new]
    elif protocol == IPPROTO_UDP:
        conn.timeout = ipvs.timeouts.udp
    else:  # SCTP, without its state machine (see the module notes)
        conn.timeout = SCTP_TIMEOUT
    cflags = conn.flags
    verdict = Verdict(_FORWARD, cflags & 7, dest.af, dest.addr, conn.dport, b"", 0,
                      dest.tun_type, dest.tun_port, dest.tun_flags, "", conn)
    if cflags & F_ONE_PACKET:
        ipvs.conns.remove(conn, now)
        return verdict
    # ConnTable.arm, inlined
    old = conn.expires
    expires = now + conn.timeout
    conn.expires = expires
    if not old or int(expires) < int(old):
        ipvs.conns.push(conn, int(expires))
    return verdict


def _enter_new(
    ipvs: IPVS, svc: Service, dest: Dest, key: int, rport: int, meta: PacketMeta, now: float
) -> Verdict:
    """Enter a scheduled connection of a non-persistent service and forward its first packet.

    ``ConnTable.new`` + the connection counters + :func:`_deliver_in` written out
    as one: the entry is created in the state its first packet leads to, with the
    same flags, counters and timer as creating it then running that packet.
    """
    cflags = dest.conn_flags | F_HASHED
    protocol = meta.protocol
    if protocol == IPPROTO_TCP:
        tflags = meta.tcp_flags
        tables = TCP_TABLES[_INPUT_ONLY if cflags & F_NOOUTPUT else _INPUT]
        if tflags & TCP_RST:
            state = tables[3][0]
        elif tflags & TCP_SYN:
            state = tables[0][0]
        elif tflags & TCP_FIN:
            state = tables[1][0]
        elif tflags & TCP_ACK:
            state = tables[2][0]
        else:
            state = _CLOSE
        if state == _ESTABLISHED:
            timeout = ipvs.timeouts.tcp
        elif state == _FIN_WAIT:
            timeout = ipvs.timeouts.tcpfin
        else:
            timeout = TCP_TIMEOUTS[state]
        if TCP_ACTIVE[state]:
            cflags &= ~F_INACTIVE
        else:
            cflags |= F_INACTIVE
    elif protocol == IPPROTO_UDP:
        state = 0
        timeout = ipvs.timeouts.udp
    else:  # SCTP, without its state machine (see the module notes)
        state = 0
        timeout = SCTP_TIMEOUT
    cflags = _intern(cflags, cflags)
    expires = now + timeout
    conn = Conn(key, dest, rport, cflags, state, timeout, expires)
    # bind_dest
    if cflags & F_INACTIVE:
        dest.inactconns += 1
    else:
        dest.activeconns += 1
    dest.refcnt += 1
    u_threshold = dest.u_threshold
    if u_threshold and dest.activeconns + dest.inactconns >= u_threshold:
        dest.flags |= DEST_F_OVERLOAD
    table = ipvs.conns
    table.conns[key] = conn
    if cflags & 7 == FWD_MASQ:
        table.replies[reply_key(conn)] = conn
    length = meta.length
    if dest.flags & DEST_F_AVAILABLE and dest.svc is svc:
        st = dest.stats
        st.conns += 1
        st.inpkts += 1
        st.inbytes += length
        st = svc.stats
        st.conns += 1
        st.inpkts += 1
        st.inbytes += length
        st = ipvs.stats
        st.conns += 1
        st.inpkts += 1
        st.inbytes += length
    else:
        _conn_stats(ipvs, svc, dest)
        _in_stats(ipvs, conn, length)
    tick = int(expires)
    bucket = table.wheel.get(tick)  # ConnTable.push, inlined
    if bucket is None:
        table.push(conn, tick)
    else:
        bucket.append(conn)
    return Verdict(_FORWARD, cflags & 7, dest.af, dest.addr, rport, b"", 0,
                   dest.tun_type, dest.tun_port, dest.tun_flags, "", conn)


def _leave(svc: Service, meta: PacketMeta) -> Verdict:
    """No destination for a new connection (ip_vs_leave without cache bypass).

    Also reached by a non-persistent port-0 service whose packet port differs
    (ip_vs_schedule clears ``ignored`` before that check), so such packets are
    rejected, not passed (reference §5.3 step 4 reads as "no connection").
    """
    if svc.port == FTP_PORT and meta.dport != FTP_PORT:
        return Verdict(_PASS, reason=FTP_OTHER)
    return Verdict(_REJECT, reason=NO_DEST)


def _schedule(
    ipvs: IPVS, svc: Service, meta: PacketMeta, key: int, now: float,
    rand32: Callable[[], int],
) -> Conn | Verdict:
    """Create the entry of a new connection (ip_vs_schedule / ip_vs_sched_persist)."""
    if meta.sport == FTP_DATA_PORT:
        return Verdict(_PASS, reason=FTP_DATA)
    table = ipvs.conns
    dport = meta.dport
    flags = (
        F_ONE_PACKET
        if svc.flags & _SVC_ONEPACKET and meta.protocol == IPPROTO_UDP
        else 0
    )
    if svc.flags & _SVC_PERSISTENT:
        tkey = template_key(svc, meta.protocol, meta.saddr, meta.daddr, dport)
        tpl = check_template(table, tkey, ipvs.sysctls)
        if tpl is None:
            sched = svc.scheduler
            dest = sched.schedule(svc, meta, now, rand32) if sched is not None else None
            if dest is None:
                return _leave(svc, meta)
            tport = dest.port if dport == svc.port and svc.port != FTP_PORT else 0
            tpl = table.new(tkey, dest, tport, F_TEMPLATE, now)
            tpl.timeout = svc.timeout
        else:
            dest = tpl.dest
            assert dest is not None
        rport = dest.port if dport == svc.port and dest.port else dport
        conn = table.new(key, dest, rport, flags, now)
        conn.control = tpl
        tpl.n_control += 1
        table.arm(tpl, now)
        _conn_stats(ipvs, svc, dest)
        return conn
    if not svc.fwmark and dport != svc.port:
        return _leave(svc, meta)
    sched = svc.scheduler
    dest = sched.schedule(svc, meta, now, rand32) if sched is not None else None
    if dest is None:
        return _leave(svc, meta)
    conn = table.new(key, dest, dest.port or dport, flags, now)
    dest.stats.conns += 1
    svc.stats.conns += 1
    ipvs.stats.conns += 1
    return conn


def account(ipvs: IPVS, conn: Conn, now: float, inpkts: int, inbytes: int,
            outpkts: int = 0, outbytes: int = 0) -> bool:
    """Fold packets of ``conn`` forwarded outside :func:`process` (a flow cache) into the
    counters, and re-arm its timer as if the last of them came at ``now``.

    Only for packets that do not change the state (no SYN/FIN/RST: those must go
    through :func:`process`). False when the entry is gone (the flow must be dropped
    from the cache).
    """
    if not conn.flags & F_HASHED:
        return False
    dest = conn.dest
    if dest is not None and dest.flags & DEST_F_AVAILABLE:
        svc = dest.svc
        for st in (dest.stats, svc.stats if svc is not None else None, ipvs.stats):
            if st is not None:
                st.inpkts += inpkts
                st.inbytes += inbytes
                st.outpkts += outpkts
                st.outbytes += outbytes
    if inpkts or outpkts:
        if outpkts and unpack_key(conn.key)[1] == IPPROTO_UDP:
            _assure_template(conn)  # a UDP reply assures the template, as in process()
        ipvs.conns.arm(conn, now)
    return True

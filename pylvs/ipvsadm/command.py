"""One ipvsadm command line -> a validated :class:`Command`, with ipvsadm's messages and codes.

Checks run in ipvsadm 1.31's order: each option as it is read, then the
``--set`` values, leftover arguments, scheduler flags, the command/option
table, list conflicts, and the service/server checks.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from socket import inet_pton
from typing import Any

from pylvs.core.constants import (
    AF_INET,
    AF_INET6,
    DEFAULT_PERSISTENCE_TIMEOUT,
    IPPROTO_SCTP,
    IPPROTO_TCP,
    IPPROTO_UDP,
    MAX_PERSISTENCE_TIMEOUT,
    FwdMethod,
    SvcFlag,
    TunFlag,
)
from pylvs.core.model import DestSpec, ServiceKey, ServiceSpec
from pylvs.ipvsadm.addresses import c_number, inet_aton, inet_pton6, parse_host_port
from pylvs.ipvsadm.legality import (
    COMMAND_NAMES,
    TUN_TYPES,
    UsageError,
    check_legality,
    check_tunnel,
    fail,
    try_help,
)
from pylvs.ipvsadm.options import COMMAND_KEYS, PoptError, Tokenizer
from pylvs.ipvsadm.resolve import Resolver

INT_MAX = (1 << 31) - 1
UINT32_MAX = (1 << 32) - 1
SCHED_FLAG_BITS = SvcFlag.SCHED1 | SvcFlag.SCHED2 | SvcFlag.SCHED3
_SERVICE_PROTOCOLS = {"t": IPPROTO_TCP, "u": IPPROTO_UDP, "sctp-service": IPPROTO_SCTP}
_METHODS = {"g": FwdMethod.DROUTE, "i": FwdMethod.TUNNEL, "m": FwdMethod.MASQ}
_NUMBER_OPTIONS = {  # key -> (option name, DestSpec attribute, name in the message)
    "w": ("weight", "weight", "weight"),
    "x": ("u-threshold", "u_threshold", "u_threshold"),
    "y": ("l-threshold", "l_threshold", "l_threshold"),
}
_TUNNEL_OPTIONS = frozenset({"tun-type", "tun-port", "tun-nocsum", "tun-csum", "tun-remcsum"})


@dataclass(slots=True)
class DaemonOptions:
    """Options of ``--start-daemon`` / ``--stop-daemon``."""

    state: str = ""
    mcast_ifn: str = "eth0"
    syncid: int = 0
    mcast_group: str | None = None
    mcast_port: int | None = None
    mcast_ttl: int | None = None
    sync_maxlen: int | None = None


@dataclass(slots=True)
class Command:
    """A validated ipvsadm command: which one, the options given, and what they say."""

    cmd: str  # option key of the command: "A", "a", "L", "set", "h", "v", ...
    options: set[str] = field(default_factory=set)
    svc: ServiceSpec = field(default_factory=ServiceSpec)
    dest: DestSpec = field(default_factory=DestSpec)
    timeouts: tuple[int, int, int] = (0, 0, 0)
    daemon: DaemonOptions = field(default_factory=DaemonOptions)

    @property
    def name(self) -> str:
        """ipvsadm's internal name of the command (as in its messages)."""
        return COMMAND_NAMES.get(self.cmd, self.cmd)

    def has(self, option: str) -> bool:
        """Whether option (internal name) was given."""
        return option in self.options

    def service_key(self) -> ServiceKey:
        """The service this command addresses."""
        return self.svc.key()

    def call(self) -> tuple[str, tuple[Any, ...]] | None:
        """The Client call that carries out a table command (None for others)."""
        cmd = self.cmd
        if cmd == "a":
            return ("add_dest", (self.svc.key(), self.dest))
        if cmd == "A":
            return ("add_service", (self.svc,))
        if cmd == "E":
            return ("edit_service", (self.svc,))
        if cmd == "D":
            return ("del_service", (self.svc.key(),))
        if cmd == "C":
            return ("flush", ())
        if cmd == "e":
            return ("edit_dest", (self.svc.key(), self.dest))
        if cmd == "d":
            d = self.dest
            return ("del_dest", (self.svc.key(), d.af, d.addr, d.port))
        if cmd == "Z":
            return ("zero", (self.svc.key() if self.has("service-address") else None,))
        if cmd == "set":
            return ("set_timeouts", self.timeouts)
        return None


class _Parser:
    def __init__(self, argv: list[str], resolver: Resolver, prog: str, restore: bool) -> None:
        self.argv = argv
        self.restore = restore
        self.resolver = resolver
        self.prog = prog
        self.sched_flags_arg: str | None = None
        self.protocol = 0  # of the service option read so far (names ports for -r)

    def set_option(self, c: Command, name: str) -> None:
        if name in c.options:
            raise fail(f"multiple '{name}' options specified")
        c.options.add(name)

    def parse(self) -> Command:
        tokens = Tokenizer(self.argv)
        it = iter(tokens)
        try:
            first = next(it, None)
        except PoptError:
            raise try_help(self.prog) from None
        if first is None or first.key not in COMMAND_KEYS:
            raise try_help(self.prog)
        c = Command(first.key)
        if first.key in ("start-daemon", "stop-daemon"):
            state = first.value or ""
            if state not in ("master", "backup"):
                raise fail(
                    "illegal start-daemon parameter specified"
                    if first.key == "start-daemon"
                    else "illegal start_daemon specified"
                )
            c.daemon.state = state
        if first.key in ("h", "v"):
            return c
        try:
            for tok in it:
                self.option(c, tok.key, tok.value, tok.word)
        except PoptError as exc:
            raise UsageError(f"{exc.word}: {exc.reason}\n", 255) from None
        args = list(tokens.args)
        if c.cmd == "set":
            if len(args) < 3:
                raise fail("--set option requires 3 timeout values")
            values = []
            for text in args[:3]:
                v = c_number(text, 0, MAX_PERSISTENCE_TIMEOUT)
                if v is None:
                    raise fail(f"invalid timeout value `{text}' specified")
                values.append(v)
            c.timeouts = (values[0], values[1], values[2])
            args = args[3:]
        if args:
            raise fail(f"unexpected argument {args[0]}")
        if self.sched_flags_arg is not None:
            self.sched_flags(c, self.sched_flags_arg)
        self.finish(c)
        return c

    # -- each option as it is read ---------------------------------------------

    def option(self, c: Command, key: str, value: str | None, word: str) -> None:
        svc, dest = c.svc, c.dest
        if key in COMMAND_KEYS:
            raise fail(f"invalid option `{word}'")
        if key in _SERVICE_PROTOCOLS:
            self.set_option(c, "service-address")
            svc.protocol = _SERVICE_PROTOCOLS[key]
            self.protocol = svc.protocol
            hp = parse_host_port(value or "", svc.protocol, self.resolver)
            if hp is None:
                raise fail("illegal virtual server address[:port] specified")
            svc.af, svc.addr, svc.port = hp.af, hp.addr, hp.port or 0
            if hp.af == AF_INET6:
                svc.netmask = 128
        elif key == "f":
            self.set_option(c, "service-address")
            mark = c_number(value or "", 1, UINT32_MAX)
            if mark is None and self.restore:
                # -S prints marks of 2^31 and above as negative numbers (C's %d)
                negative = c_number(value or "", -(1 << 31), -1)
                mark = None if negative is None else negative + (1 << 32)
            if mark is None:
                raise fail(f"invalid fwmark value `{value}' specified")
            svc.fwmark = mark
            svc.af = AF_INET
            svc.protocol = self.protocol = IPPROTO_TCP
            svc.netmask = 0xFFFFFFFF
        elif key == "s":
            self.set_option(c, "scheduler")
            svc.sched_name = (value or "")[:15]
        elif key == "p":
            self.set_option(c, "persistent")
            svc.flags |= SvcFlag.PERSISTENT
            if value is None:
                svc.timeout = DEFAULT_PERSISTENCE_TIMEOUT
            else:
                t = c_number(value, 1, MAX_PERSISTENCE_TIMEOUT)
                if t is None:
                    raise fail(f"invalid timeout value `{value}' specified")
                svc.timeout = t
        elif key == "M":
            self.set_option(c, "netmask")
            self.netmask(svc, value or "")
        elif key == "r":
            self.set_option(c, "real-server")
            hp = parse_host_port(value or "", self.protocol, self.resolver)
            if hp is None:
                raise fail("illegal real server address[:port] specified")
            dest.af, dest.addr = hp.af, hp.addr
            dest.port = svc.port if hp.port is None else hp.port
        elif key in _METHODS:
            self.set_option(c, "forwarding-method")
            dest.conn_flags = _METHODS[key]
        elif key in _NUMBER_OPTIONS:
            name, attr, what = _NUMBER_OPTIONS[key]
            self.set_option(c, name)
            n = c_number(value or "", 0, INT_MAX)
            if n is None:
                raise fail(f"illegal {what} specified")
            setattr(dest, attr, n)
        elif key == "n":
            self.set_option(c, "numeric")
        elif key == "c":
            self.set_option(c, "connection")
        elif key == "exact":
            self.set_option(c, "exact")
        elif key in ("timeout", "daemon", "stats", "rate", "thresholds", "persistent-conn",
                     "nosort", "tun-info"):
            self.set_option(c, key)
        elif key == "sort":
            pass
        elif key == "6":
            if svc.fwmark:
                svc.af = AF_INET6
                svc.netmask = 128
            else:
                raise fail("-6 used before -f\n")
        elif key == "o":
            self.set_option(c, "ops")
            svc.flags |= SvcFlag.ONEPACKET
        elif key == "pe":
            self.set_option(c, "pe")
            svc.pe_name = (value or "")[:15]
        elif key == "b":
            self.set_option(c, "sched-flags")
            self.sched_flags_arg = value or ""
        else:
            self.daemon_or_tunnel_option(c, key, value or "")

    def daemon_or_tunnel_option(self, c: Command, key: str, value: str) -> None:
        d = c.daemon
        self.set_option(c, key)
        if key == "mcast-interface":
            d.mcast_ifn = value[:15]
        elif key == "syncid":
            n = c_number(value, 0, 255)
            if n is None:
                raise fail("illegal syncid specified")
            d.syncid = n
        elif key == "mcast-group":
            if ":" in value:
                a6 = inet_pton6(value)
                if a6 is None or a6[0] != 0xFF:
                    raise fail(f"invalid IPv6 mcast-group `{value}'")
            else:
                a4 = _inet_pton4(value)
                if a4 is None or not 224 <= a4[0] <= 239:
                    raise fail(f"invalid IPv4 mcast-group `{value}'")
            d.mcast_group = value
        elif key in ("mcast-port", "mcast-ttl", "sync-maxlen"):
            high = {"mcast-port": 65535, "mcast-ttl": 255, "sync-maxlen": 65535 - 20 - 8}[key]
            n = c_number(value, 1, high)
            if n is None:
                raise fail(f"illegal {key} specified")
            setattr(d, key.replace("-", "_"), n)
        elif key == "tun-type":
            tun = TUN_TYPES.get(value)
            if tun is None:
                raise fail("illegal tunnel type specified")
            c.dest.tun_type = tun
        elif key == "tun-port":
            n = c_number(value, 1, 65535)
            if n is None:
                raise fail("illegal tunnel port specified")
            c.dest.tun_port = n
        elif key in ("tun-nocsum", "tun-csum", "tun-remcsum"):
            c.dest.tun_flags = {
                "tun-nocsum": TunFlag.NOCSUM, "tun-csum": TunFlag.CSUM,
            }.get(key, TunFlag.REMCSUM)

    def netmask(self, svc: ServiceSpec, text: str) -> None:
        if svc.af == AF_INET6:
            n = c_number(text, 1, 128)
            if n is None:
                raise fail("illegal ipv6 netmask specified")
            svc.netmask = n
            return
        addr = inet_aton(text)
        if addr is None:
            addr = self.resolver.host_v4(text)
        if addr is None:
            raise fail("illegal virtual server persistent mask specified")
        svc.netmask = int.from_bytes(addr, "big")

    def sched_flags(self, c: Command, text: str) -> None:
        sched = c.svc.sched_name if c.has("scheduler") else "wlc"
        flags = 0
        for tok in text.split(","):
            if not tok:
                continue
            if tok in ("flag-1", "flag-2", "flag-3"):
                flags |= (SvcFlag.SCHED1, SvcFlag.SCHED2, SvcFlag.SCHED3)[int(tok[-1]) - 1]
            elif tok in ("sh-fallback", "sh-port", "mh-fallback", "mh-port"):
                if sched != tok[:2]:
                    raise fail(f"incompatible scheduler flag `{tok}'")
                flags |= SvcFlag.SCHED1 if tok.endswith("fallback") else SvcFlag.SCHED2
            else:
                raise fail(f"invalid scheduler flag `{tok}'")
        c.svc.flags = (c.svc.flags & ~SCHED_FLAG_BITS) | flags

    # -- after all options ------------------------------------------------------

    def finish(self, c: Command) -> None:
        check_legality(c.cmd, c.options)
        opts = c.options
        modes, formats = opts & {"connection", "timeout", "daemon"}, opts & {
            "stats", "rate", "thresholds"}
        if c.cmd == "L" and (
            (modes and formats) or (opts & {"timeout", "daemon"} and "persistent-conn" in opts)
        ):
            raise fail("options conflicts in the list command")
        svc, dest = c.svc, c.dest
        if c.cmd in ("A", "E"):
            if not c.has("scheduler"):
                svc.sched_name = "wlc"
            if not svc.fwmark and svc.port == 0 and not svc.flags & SvcFlag.PERSISTENT:
                raise fail("Zero port specified for non-persistent service")
            if svc.flags & SvcFlag.ONEPACKET and not svc.fwmark and svc.protocol != IPPROTO_UDP:
                raise fail("One-Packet Scheduling is only for UDP virtual services")
        if c.cmd in ("a", "e"):
            method = dest.conn_flags
            if not svc.fwmark and method in (FwdMethod.DROUTE, FwdMethod.TUNNEL):
                dest.port = svc.port
            if dest.af != svc.af and method != FwdMethod.TUNNEL:
                raise fail("Different address family is allowed only for tunneling servers")
            if not opts.isdisjoint(_TUNNEL_OPTIONS) and method != FwdMethod.TUNNEL:
                raise fail("Tunnel options conflict with forward method")
            if method == FwdMethod.TUNNEL:
                check_tunnel(dest.tun_type, c.options)


def _inet_pton4(text: str) -> bytes | None:
    parts = text.split(".")
    if len(parts) != 4 or not all(p.isascii() and p.isdigit() and len(p) <= 3 for p in parts):
        return None
    values = [int(p) for p in parts]
    if any(v > 255 for v in values) or any(len(p) > 1 and p[0] == "0" for p in parts):
        return None
    return bytes(values)


_PLAIN_SERVICE = {"-t": IPPROTO_TCP, "-u": IPPROTO_UDP}
_PLAIN_METHOD = {"-g": FwdMethod.DROUTE, "-m": FwdMethod.MASQ}


def _plain_host_port(text: str) -> tuple[bytes, int] | None:
    """A plain ``a.b.c.d:port`` (the only form ``-S -n`` prints for IPv4), else None.

    ``inet_pton`` takes exactly four decimal octets without leading zeros, where
    ``inet_aton`` reads the same address; every other form is left to it.
    """
    host, colon, port_text = text.rpartition(":")
    if not colon or len(port_text) > 5 or not (port_text.isascii() and port_text.isdigit()):
        return None
    try:
        addr = inet_pton(AF_INET, host)
    except (OSError, ValueError):
        return None
    port = int(port_text)
    return (addr, port) if port <= 65535 else None


def _parse_plain(argv: list[str]) -> Command | None:
    """The two line shapes ``ipvsadm -S -n`` prints most, parsed directly; None for others.

    ``-A -t|-u ADDR:PORT -s SCHED`` and ``-a -t|-u ADDR:PORT -r ADDR:PORT -g|-m -w N``
    with a plain IPv4 dotted quad, a port and a plain weight: the Command is the one
    the general parser builds (tests check both agree); anything else, including
    every line the general parser refuses, goes to the general parser.
    """
    n = len(argv)
    if n == 5:
        if argv[0] != "-A" or argv[3] != "-s":
            return None
        options = {"service-address", "scheduler"}
    elif n == 8:
        if argv[0] != "-a" or argv[3] != "-r" or argv[6] != "-w":
            return None
        options = {"service-address", "real-server", "forwarding-method", "weight"}
    else:
        return None
    protocol = _PLAIN_SERVICE.get(argv[1])
    vip = _plain_host_port(argv[2])
    if protocol is None or vip is None:
        return None
    svc = ServiceSpec(AF_INET, protocol, vip[0], vip[1])
    if n == 5:
        if vip[1] == 0:
            return None  # "Zero port specified for non-persistent service"
        svc.sched_name = argv[4][:15]
        return Command("A", options, svc)
    method = _PLAIN_METHOD.get(argv[5])
    rip = _plain_host_port(argv[4])
    weight = argv[7]
    if method is None or rip is None or not (weight.isascii() and weight.isdigit()):
        return None
    w = int(weight)
    if w > INT_MAX:
        return None
    # -g: the real port is the service's (ipvsadm ignores the one given)
    port = vip[1] if method == FwdMethod.DROUTE else rip[1]
    return Command("a", options, svc, DestSpec(AF_INET, rip[0], port, method, w))


def parse_command(
    argv: list[str], resolver: Resolver, prog: str = "ipvsadm", *, restore: bool = False
) -> Command:
    """Parse and validate one ipvsadm command line (without the program name).

    Raises :class:`UsageError` with ipvsadm's text and exit status. An empty
    command line is ``-L`` (list with names resolved), as in ipvsadm. With
    ``restore`` (lines of ``-R`` and rules files) ``-f`` also takes the negative
    numbers ``-S`` prints for marks of 2^31 and above, so every table round-trips
    (ipvsadm 1.31 itself refuses them).
    """
    if not argv:
        return Command("L")
    plain = _parse_plain(argv)
    if plain is not None:
        return plain
    return _Parser(argv, resolver, prog, restore).parse()

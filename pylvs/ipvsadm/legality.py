"""Which options each ipvsadm command takes, and the messages for the others.

ipvsadm checks the options of a command in one fixed order (OPTION_ORDER) and
reports the first violation; tunnel options are checked per tunnel type.
"""

from __future__ import annotations

from pylvs.core.constants import TunType


class UsageError(Exception):
    """The command line is refused: ``text`` goes to stderr and ``status`` is the exit code."""

    def __init__(self, text: str, status: int) -> None:
        self.text = text
        self.status = status
        super().__init__(text.rstrip("\n"))


def fail(message: str) -> UsageError:
    """An ipvsadm ``fail(2, ...)``."""
    return UsageError(message + "\n", 2)


def try_help(prog: str) -> UsageError:
    """ipvsadm's reply to a command line that does not start with a command."""
    return UsageError(f"Try `{prog} -h' or '{prog} --help' for more information.\n", 255)


COMMAND_NAMES = {
    "A": "add-service", "E": "edit-service", "D": "delete-service", "C": "flush",
    "L": "list", "a": "add-server", "e": "edit-server", "d": "delete-server",
    "set": "set", "start-daemon": "start-daemon", "stop-daemon": "stop-daemon",
    "R": "restore", "S": "save", "Z": "zero",
}

# internal option names, in the order ipvsadm checks them
OPTION_ORDER = (
    "numeric", "connection", "service-address", "scheduler", "persistent", "netmask",
    "real-server", "forwarding-method", "weight", "u-threshold", "l-threshold",
    "mcast-interface", "timeout", "daemon", "stats", "rate", "thresholds", "persistent-conn",
    "nosort", "syncid", "exact", "ops", "pe", "sched-flags", "mcast-group", "mcast-port",
    "mcast-ttl", "sync-maxlen", "tun-info", "tun-type", "tun-port", "tun-nocsum", "tun-csum",
    "tun-remcsum",
)

_SVC_OPTIONAL = ("scheduler", "persistent", "netmask", "ops", "pe", "sched-flags")
_DEST_OPTIONAL = (
    "forwarding-method", "weight", "u-threshold", "l-threshold", "tun-type", "tun-port",
    "tun-nocsum", "tun-csum", "tun-remcsum",
)
_LIST_OPTIONAL = (
    "numeric", "stats", "rate", "thresholds", "persistent-conn", "nosort", "syncid", "exact",
    "tun-info",
)
# command -> (required, optional, mutually exclusive)
LEGALITY: dict[str, tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]] = {
    "A": (("service-address",), _SVC_OPTIONAL, ()),
    "E": (("service-address",), _SVC_OPTIONAL, ()),
    "D": (("service-address",), (), ()),
    "C": ((), (), ()),
    "L": ((), _LIST_OPTIONAL, ("connection", "service-address", "timeout", "daemon")),
    "a": (("service-address", "real-server"), _DEST_OPTIONAL, ()),
    "e": (("service-address", "real-server"), _DEST_OPTIONAL, ()),
    "d": (("service-address", "real-server"), (), ()),
    "set": ((), (), ()),
    "start-daemon": (
        (), ("mcast-interface", "syncid", "mcast-group", "mcast-port", "mcast-ttl",
             "sync-maxlen"), (),
    ),
    "stop-daemon": ((), ("syncid",), ()),
    "R": ((), (), ()),
    "S": ((), ("numeric",), ()),
    "Z": ((), ("service-address",), ()),
}

# tunnel type -> option -> "R" required, "x" illegal, "1" mutually exclusive
_TUNNEL_RULES: dict[int, dict[str, str]] = {
    TunType.IPIP: {"tun-port": "x", "tun-nocsum": "x", "tun-csum": "x", "tun-remcsum": "x"},
    TunType.GUE: {"tun-port": "R", "tun-nocsum": "1", "tun-csum": "1", "tun-remcsum": "1"},
    TunType.GRE: {"tun-port": "x", "tun-nocsum": "1", "tun-csum": "1", "tun-remcsum": "x"},
}
TUN_TYPE_NAMES = {TunType.IPIP: "ipip", TunType.GUE: "gue", TunType.GRE: "gre"}
TUN_TYPES = {v: k for k, v in TUN_TYPE_NAMES.items()}


_LEGAL: set[tuple[str, frozenset[str]]] = set()  # (command, options) found legal


def check_legality(cmd: str, options: set[str]) -> None:
    """ipvsadm's command x option table: the first violation in option order."""
    seen = (cmd, frozenset(options))
    if seen in _LEGAL:
        return
    _check_legality(cmd, options)
    if len(_LEGAL) < 4096:
        _LEGAL.add(seen)


def _check_legality(cmd: str, options: set[str]) -> None:
    required, optional, exclusive = LEGALITY[cmd]
    name = COMMAND_NAMES[cmd]
    first_exclusive: str | None = None
    for opt in OPTION_ORDER:
        if opt not in options:
            if opt in required:
                raise fail(f"You need to supply the '{opt}' option for the '{name}' command")
            continue
        if opt in exclusive:
            if first_exclusive is None:
                first_exclusive = opt
                continue
            raise fail(
                f"The option '{opt}' conflicts with the '{first_exclusive}' option "
                f"in the '{name}' command"
            )
        if opt not in required and opt not in optional:
            raise fail(f"Illegal '{opt}' option with the '{name}' command")


def check_tunnel(tun: int, options: set[str]) -> None:
    """The tunnel type x tunnel option table."""
    type_name = TUN_TYPE_NAMES[TunType(tun)]
    first: str | None = None
    for opt, rule in _TUNNEL_RULES[tun].items():
        if opt not in options:
            if rule == "R":
                raise fail(f"You need to supply the '{opt}' option for the '{type_name}' "
                           "tunnel type")
            continue
        if rule == "x":
            raise fail(f"Illegal '{opt}' option with the '{type_name}' tunnel type")
        if rule == "1":
            if first is None:
                first = opt
                continue
            raise fail(f"The option '{opt}' conflicts with the '{first}' option in the "
                       f"'{type_name}' tunnel type")

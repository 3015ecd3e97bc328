"""ipvsadm's options and a tokenizer with popt's rules (bundles, ``--opt=value``, ``-p [n]``)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import Enum
from typing import NamedTuple


class Arg(Enum):
    """Whether an option takes a value."""

    NONE = 0
    REQUIRED = 1
    OPTIONAL = 2  # taken only when the next word does not start with "-"


@dataclass(frozen=True, slots=True)
class OptionDef:
    """One ipvsadm option: its names, its argument and the key the parser dispatches on."""

    long: str
    short: str
    arg: Arg
    key: str


_DEFS = (
    # commands
    ("add-service", "A", Arg.NONE, "A"),
    ("edit-service", "E", Arg.NONE, "E"),
    ("delete-service", "D", Arg.NONE, "D"),
    ("clear", "C", Arg.NONE, "C"),
    ("list", "L", Arg.NONE, "L"),
    ("", "l", Arg.NONE, "L"),
    ("zero", "Z", Arg.NONE, "Z"),
    ("add-server", "a", Arg.NONE, "a"),
    ("edit-server", "e", Arg.NONE, "e"),
    ("delete-server", "d", Arg.NONE, "d"),
    ("set", "", Arg.NONE, "set"),
    ("help", "h", Arg.NONE, "h"),
    ("version", "v", Arg.NONE, "v"),
    ("restore", "R", Arg.NONE, "R"),
    ("save", "S", Arg.NONE, "S"),
    ("start-daemon", "", Arg.REQUIRED, "start-daemon"),
    ("stop-daemon", "", Arg.REQUIRED, "stop-daemon"),
    # options
    ("tcp-service", "t", Arg.REQUIRED, "t"),
    ("udp-service", "u", Arg.REQUIRED, "u"),
    ("sctp-service", "", Arg.REQUIRED, "sctp-service"),
    ("fwmark-service", "f", Arg.REQUIRED, "f"),
    ("scheduler", "s", Arg.REQUIRED, "s"),
    ("persistent", "p", Arg.OPTIONAL, "p"),
    ("netmask", "M", Arg.REQUIRED, "M"),
    ("real-server", "r", Arg.REQUIRED, "r"),
    ("masquerading", "m", Arg.NONE, "m"),
    ("ipip", "i", Arg.NONE, "i"),
    ("gatewaying", "g", Arg.NONE, "g"),
    ("weight", "w", Arg.REQUIRED, "w"),
    ("u-threshold", "x", Arg.REQUIRED, "x"),
    ("l-threshold", "y", Arg.REQUIRED, "y"),
    ("numeric", "n", Arg.NONE, "n"),
    ("connection", "c", Arg.NONE, "c"),
    ("mcast-interface", "", Arg.REQUIRED, "mcast-interface"),
    ("syncid", "", Arg.REQUIRED, "syncid"),
    ("timeout", "", Arg.NONE, "timeout"),
    ("daemon", "", Arg.NONE, "daemon"),
    ("stats", "", Arg.NONE, "stats"),
    ("rate", "", Arg.NONE, "rate"),
    ("thresholds", "", Arg.NONE, "thresholds"),
    ("persistent-conn", "", Arg.NONE, "persistent-conn"),
    ("nosort", "", Arg.NONE, "nosort"),
    ("sort", "", Arg.NONE, "sort"),
    ("exact", "X", Arg.NONE, "exact"),
    ("ipv6", "6", Arg.NONE, "6"),
    ("ops", "o", Arg.NONE, "o"),
    ("pe", "", Arg.REQUIRED, "pe"),
    ("sched-flags", "b", Arg.REQUIRED, "b"),
    ("mcast-group", "", Arg.REQUIRED, "mcast-group"),
    ("mcast-port", "", Arg.REQUIRED, "mcast-port"),
    ("mcast-ttl", "", Arg.REQUIRED, "mcast-ttl"),
    ("sync-maxlen", "", Arg.REQUIRED, "sync-maxlen"),
    ("tun-info", "", Arg.NONE, "tun-info"),
    ("tun-type", "", Arg.REQUIRED, "tun-type"),
    ("tun-port", "", Arg.REQUIRED, "tun-port"),
    ("tun-nocsum", "", Arg.NONE, "tun-nocsum"),
    ("tun-csum", "", Arg.NONE, "tun-csum"),
    ("tun-remcsum", "", Arg.NONE, "tun-remcsum"),
)

OPTIONS = tuple(OptionDef(*d) for d in _DEFS)
BY_LONG = {o.long: o for o in OPTIONS if o.long}
BY_SHORT = {o.short: o for o in OPTIONS if o.short}
_NONE = Arg.NONE
_OPTIONAL = Arg.OPTIONAL
COMMAND_KEYS = frozenset(
    {"A", "E", "D", "C", "L", "Z", "a", "e", "d", "set", "h", "v", "R", "S",
     "start-daemon", "stop-daemon"}
)


class PoptError(Exception):
    """popt could not read an option: ``str()`` is ``<word>: <reason>``."""

    def __init__(self, word: str, reason: str) -> None:
        self.word = word
        self.reason = reason
        super().__init__(f"{word}: {reason}")


class Token(NamedTuple):
    """One option read from the command line; ``word`` is the argv element popt blames."""

    key: str
    value: str | None
    word: str


class Tokenizer:
    """Yields options in command-line order and collects the leftover arguments."""

    def __init__(self, argv: list[str]) -> None:
        self.argv = argv
        self.args: list[str] = []

    def __iter__(self) -> Iterator[Token]:
        argv = self.argv
        i = 0
        only_args = False
        while i < len(argv):
            word = argv[i]
            i += 1
            if only_args or word == "-" or not word.startswith("-"):
                self.args.append(word)
                continue
            if word == "--":
                only_args = True
                continue
            if word.startswith("--"):
                name, eq, inline = word[2:].partition("=")
                opt = BY_LONG.get(name)
                if opt is None:
                    raise PoptError(word, "unknown option")
                if opt.arg is _NONE:
                    if eq:
                        raise PoptError(word, "option does not take an argument")
                    yield Token(opt.key, None, word)
                    continue
                if eq:
                    yield Token(opt.key, inline, word)
                    continue
                value, i = self._next_value(opt, word, i)
                yield Token(opt.key, value, word if value is None else argv[i - 1])
                continue
            # a bundle of short options
            pos = 1
            while pos < len(word):
                opt = BY_SHORT.get(word[pos])
                pos += 1
                if opt is None:
                    raise PoptError(word, "unknown option")
                if opt.arg is _NONE:
                    yield Token(opt.key, None, word)
                    continue
                rest = word[pos:]
                if rest:
                    yield Token(opt.key, rest[1:] if rest.startswith("=") else rest, word)
                    break
                value, i = self._next_value(opt, word, i)
                yield Token(opt.key, value, word if value is None else argv[i - 1])
                break

    def _next_value(self, opt: OptionDef, word: str, i: int) -> tuple[str | None, int]:
        argv = self.argv
        if opt.arg is _OPTIONAL:
            if i < len(argv) and not argv[i].startswith("-"):
                return argv[i], i + 1
            return None, i
        if i >= len(argv):
            raise PoptError(word, "missing argument")
        return argv[i], i + 1

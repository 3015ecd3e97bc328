"""``ipvsadm -R`` input (the ``-S`` format) -> the Client calls that build the table."""

from __future__ import annotations

from typing import Any

from pylvs.ipvsadm.command import Command, parse_command
from pylvs.ipvsadm.legality import UsageError
from pylvs.ipvsadm.resolve import Resolver, SystemResolver

TABLE_COMMANDS = frozenset({"A", "E", "D", "C", "a", "e", "d", "Z", "set"})


class RulesError(Exception):
    """A rules line is refused (``lineno`` is 1-based); nothing of the text is applied."""

    def __init__(self, lineno: int, message: str) -> None:
        self.lineno = lineno
        self.message = message
        super().__init__(f"line {lineno}: {message}")


def split_line(line: str) -> list[str]:
    """The words of one ``-R`` line: split on blanks, every ``ipvsadm`` word dropped."""
    words = line.replace("\t", " ").replace("\r", " ").replace("\n", " ").split(" ")
    return [w for w in words if w and w != "ipvsadm"]


def restore_lines(text: str) -> list[tuple[int, list[str]]]:
    """(line number, words) of each non-empty ``-R`` line."""
    out = []
    for n, line in enumerate(text.split("\n"), start=1):
        words = split_line(line)
        if words:
            out.append((n, words))
    return out


def parse_rules(text: str, resolver: Resolver | None = None) -> list[tuple[str, tuple[Any, ...]]]:
    """Rules text in ``ipvsadm -R`` / ``-S`` format -> Client calls, in order.

    Raises :class:`RulesError` for the first line ipvsadm would refuse, or that
    is not a table operation (listing, saving, daemons); then nothing is to be applied.
    """
    resolver = resolver or SystemResolver()
    calls: list[tuple[str, tuple[Any, ...]]] = []
    for lineno, words in restore_lines(text):
        try:
            command: Command = parse_command(words, resolver, restore=True)
        except UsageError as exc:
            raise RulesError(lineno, exc.text.strip() or "bad line") from None
        call = command.call() if command.cmd in TABLE_COMMANDS else None
        if call is None:
            raise RulesError(lineno, f"not a table operation: {' '.join(words)}")
        calls.append(call)
    return calls

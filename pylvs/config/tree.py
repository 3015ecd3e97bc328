"""A configuration as a tree of statements, whichever syntax it was written in."""

from __future__ import annotations

from dataclasses import dataclass, field

from pylvs.config.errors import ConfigError


@dataclass(frozen=True, slots=True)
class Pos:
    """Where something was written: file, line and column (1-based; 0 when unknown)."""

    file: str
    line: int = 0
    col: int = 0
    path: str = ""  # for formats without line numbers: the key path (``virtual_server[0].x``)

    def error(self, message: str) -> ConfigError:
        """A ConfigError located here."""
        if self.path:
            message = f"{self.path}: {message}"
        return ConfigError(message, self.file, self.line, self.col)

    def __str__(self) -> str:
        if self.line:
            return f"{self.file}:{self.line}"
        return f"{self.file}: {self.path}" if self.path else self.file


@dataclass(frozen=True, slots=True)
class Word:
    """One argument word and where it was written."""

    text: str
    pos: Pos


@dataclass(slots=True)
class Node:
    """A statement: ``keyword arg... [{ child statements }]``."""

    keyword: str
    args: list[Word]
    pos: Pos
    children: list[Node] | None = None  # None: no block
    consumed: bool = field(default=False, compare=False)

    def arg(self, i: int, what: str) -> Word:
        """Argument ``i`` or an error saying ``what`` is missing."""
        if i >= len(self.args):
            raise self.pos.error(f"{self.keyword}: missing {what}")
        return self.args[i]

    def block(self) -> list[Node]:
        """The statements of this node's block (an error if it has none)."""
        if self.children is None:
            raise self.pos.error(f"{self.keyword}: expected a {{ ... }} block")
        return self.children

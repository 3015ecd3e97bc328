"""keepalived.conf syntax: words, quoted strings, ``{ }`` blocks, comments, ``include``."""

from __future__ import annotations

import glob
import os
from collections.abc import Callable
from dataclasses import dataclass

from pylvs.config.errors import ConfigError
from pylvs.config.tree import Node, Pos, Word

MAX_INCLUDE_DEPTH = 8
ReadFile = Callable[[str], str]


@dataclass(frozen=True, slots=True)
class _Tok:
    text: str  # "{", "}", "\n" or a word
    pos: Pos
    quoted: bool = False


def read_text_file(path: str) -> str:
    """Read a configuration file as UTF-8."""
    with open(path, encoding="utf-8") as f:
        return f.read()


def _tokenize_line(line: str, file: str, lineno: int) -> list[_Tok]:
    toks: list[_Tok] = []
    i, n = 0, len(line)
    while i < n:
        c = line[i]
        if c in " \t\r\f\v":
            i += 1
            continue
        if c in "#!":
            break
        pos = Pos(file, lineno, i + 1)
        if c in "{}":
            toks.append(_Tok(c, pos))
            i += 1
            continue
        if c == '"':
            end = line.find('"', i + 1)
            if end < 0:
                raise pos.error("unterminated quoted string")
            toks.append(_Tok(line[i + 1:end], pos, quoted=True))
            i = end + 1
            continue
        j = i
        while j < n and line[j] not in " \t\r\f\v{}\"":
            j += 1
        toks.append(_Tok(line[i:j], pos))
        i = j
    return toks


class _Reader:
    def __init__(self, read: ReadFile) -> None:
        self.read = read
        self.files: list[str] = []

    def tokens(self, text: str, file: str, depth: int) -> list[_Tok]:
        self.files.append(file)
        out: list[_Tok] = []
        for lineno, line in enumerate(text.splitlines(), 1):
            toks = _tokenize_line(line, file, lineno)
            if toks and toks[0].text == "include" and not toks[0].quoted:
                out.extend(self._include(toks, file, depth))
                continue
            out.extend(toks)
            out.append(_Tok("\n", Pos(file, lineno, len(line) + 1)))
        return out

    def _include(self, toks: list[_Tok], file: str, depth: int) -> list[_Tok]:
        pos = toks[0].pos
        if len(toks) != 2:
            raise pos.error("include: expected exactly one file name or pattern")
        if depth >= MAX_INCLUDE_DEPTH:
            raise pos.error(f"include: nested more than {MAX_INCLUDE_DEPTH} deep")
        pattern = toks[1].text
        if not os.path.isabs(pattern):
            pattern = os.path.join(os.path.dirname(file) or ".", pattern)
        names = sorted(glob.glob(pattern)) if glob.has_magic(pattern) else [pattern]
        out: list[_Tok] = []
        for name in names:
            try:
                text = self.read(name)
            except OSError as exc:
                raise toks[1].pos.error(
                    f"include: cannot read {name}: {exc.strerror or exc}"
                ) from None
            out.extend(self.tokens(text, name, depth + 1))
        return out


class _Parser:
    def __init__(self, toks: list[_Tok], file: str) -> None:
        self.toks = toks
        self.i = 0
        self.file = file

    def _peek(self) -> _Tok | None:
        return self.toks[self.i] if self.i < len(self.toks) else None

    def statements(self, opener: _Tok | None) -> list[Node]:
        out: list[Node] = []
        while True:
            tok = self._peek()
            if tok is None:
                if opener is not None:
                    raise opener.pos.error("this '{' is never closed")
                return out
            if tok.text == "\n" and not tok.quoted:
                self.i += 1
                continue
            if tok.text == "}" and not tok.quoted:
                if opener is None:
                    raise tok.pos.error("'}' without a matching '{'")
                self.i += 1
                return out
            if tok.text == "{" and not tok.quoted:
                raise tok.pos.error("'{' without a keyword before it")
            out.append(self._statement())

    def _statement(self) -> Node:
        head = self.toks[self.i]
        self.i += 1
        args: list[Word] = []
        while True:
            tok = self._peek()
            if tok is None or (not tok.quoted and tok.text in ("\n", "}")):
                return Node(head.text, args, head.pos)
            self.i += 1
            if tok.text == "{" and not tok.quoted:
                children = self.statements(tok)
                return Node(head.text, args, head.pos, children)
            args.append(Word(tok.text, tok.pos))


def parse_keepalived(text: str, file: str, read: ReadFile = read_text_file) -> list[Node]:
    """Parse keepalived.conf text into its statement tree (includes resolved)."""
    reader = _Reader(read)
    toks = reader.tokens(text, file, 0)
    return _Parser(toks, file).statements(None)


__all__ = ["ConfigError", "parse_keepalived", "read_text_file"]

"""Typed values of statements: integers, durations, flags, choices."""

from __future__ import annotations

from collections.abc import Mapping

from pylvs.config.tree import Node, Word


def int_word(word: Word, lo: int, hi: int, what: str) -> int:
    """An integer in [lo, hi]."""
    try:
        value = int(word.text, 0)
    except ValueError:
        raise word.pos.error(f"{what}: expected an integer, got {word.text!r}") from None
    if not lo <= value <= hi:
        raise word.pos.error(f"{what}: {value} out of range {lo}..{hi}")
    return value


def int_arg(node: Node, lo: int, hi: int) -> int:
    """The single integer argument of ``node``."""
    return int_word(node.arg(0, "value"), lo, hi, node.keyword)


def seconds_arg(node: Node, lo: float = 0.0, hi: float = 86400.0 * 365) -> float:
    """The single duration argument of ``node`` in seconds (fractions allowed)."""
    word = node.arg(0, "value")
    try:
        value = float(word.text)
    except ValueError:
        raise word.pos.error(f"{node.keyword}: expected seconds, got {word.text!r}") from None
    if not lo <= value <= hi or value != value:
        raise word.pos.error(f"{node.keyword}: {word.text} out of range {lo:g}..{hi:g}")
    return value


def text_arg(node: Node) -> str:
    """All arguments of ``node`` joined by spaces (scripts, regexes, names)."""
    if not node.args:
        raise node.pos.error(f"{node.keyword}: missing value")
    return " ".join(w.text for w in node.args)


def choice_arg(node: Node, choices: Mapping[str, int]) -> int:
    """The argument of ``node`` looked up (case-insensitively) in ``choices``."""
    word = node.arg(0, "value")
    try:
        return choices[word.text.upper()]
    except KeyError:
        names = ", ".join(sorted(choices))
        raise word.pos.error(
            f"{node.keyword}: unknown value {word.text!r} (expected one of {names})"
        ) from None


def no_args(node: Node) -> bool:
    """A flag keyword: true, and an error if it was given arguments."""
    if node.args:
        # keepalived tolerates "ops true"-like spellings; accept the obvious booleans
        text = node.args[0].text.lower()
        if len(node.args) == 1 and text in ("true", "yes", "on", "1"):
            return True
        if len(node.args) == 1 and text in ("false", "no", "off", "0"):
            return False
        raise node.args[0].pos.error(f"{node.keyword} takes no value")
    return True

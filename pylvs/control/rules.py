"""The saved rules file (``ipvsadm -S`` format): loading it whole, saving it atomically."""

from __future__ import annotations

import errno
import os
import tempfile
from typing import Any

from pylvs.control.dispatch import BatchError, replace_table
from pylvs.core.ipvs import IPVS
from pylvs.core.views import ServiceView
from pylvs.ipvsadm import RulesError, format_save, parse_rules
from pylvs.ipvsadm.rules import restore_lines

DEFAULT_RULES = "/etc/pylvs/rules"
Call = tuple[str, tuple[Any, ...]]


class RulesFileError(Exception):
    """The rules file cannot be used; ``str()`` names the file and, if known, the line."""

    def __init__(self, path: str, message: str, lineno: int | None = None) -> None:
        self.path = path
        self.lineno = lineno
        self.message = message
        where = f"{path}:{lineno}" if lineno is not None else path
        super().__init__(f"{where}: {message}")


def read_rules_text(path: str) -> str:
    """The file's text; a missing file is an empty ruleset."""
    try:
        with open(path, encoding="utf-8") as f:
            return f.read()
    except FileNotFoundError:
        return ""
    except (OSError, UnicodeDecodeError) as exc:
        raise RulesFileError(path, f"cannot read: {exc}") from None


def parse_rules_text(path: str, text: str) -> list[Call]:
    """Parse ``ipvsadm -R`` text into control calls; RulesFileError names the bad line."""
    if not text.strip():
        return []
    try:
        return parse_rules(text)
    except RulesError as exc:
        raise RulesFileError(path, exc.message, exc.lineno) from None


def line_of_call(text: str, index: int) -> int | None:
    """The line number (1-based) of the ``index``-th call parsed from ``text``."""
    lines = restore_lines(text)  # parse_rules makes exactly one call per non-empty line
    return lines[index][0] if 0 <= index < len(lines) else None


def load_rules(path: str) -> list[Call]:
    """Read and parse the rules file (missing = empty); nothing is applied."""
    return parse_rules_text(path, read_rules_text(path))


def restore_into(ipvs: IPVS, path: str) -> int:
    """Replace ``ipvs``'s table by the rules file, all or nothing; returns the call count."""
    text = read_rules_text(path)
    calls = parse_rules_text(path, text)
    try:
        replace_table(ipvs, calls)
    except BatchError as exc:
        raise RulesFileError(path, exc.message, line_of_call(text, exc.index)) from None
    return len(calls)


def format_rules(services: list[ServiceView]) -> str:
    """The table as ``ipvsadm -S -n`` prints it."""
    return format_save(services, numeric=True)


def write_atomically(path: str, text: str, mode: int = 0o600) -> None:
    """Replace ``path`` by ``text`` so that a crash leaves the old or the new file, whole.

    Writes a temporary file in the same directory, fsyncs it, renames it over
    ``path`` and fsyncs the directory.
    """
    directory = os.path.dirname(os.path.abspath(path))
    os.makedirs(directory, mode=0o755, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".rules-", dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fchmod(f.fileno(), mode)
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise
        raise
    dfd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(dfd)
    finally:
        os.close(dfd)


def save_rules(path: str, services: list[ServiceView]) -> None:
    """Write the table to ``path`` in ``ipvsadm -S -n`` format, atomically."""
    write_atomically(path, format_rules(services))

"""pylvs's native TOML format, read into the same statement tree as keepalived.conf.

Keys are keepalived's keywords (see docs/configuration.md): a table becomes a block,
an array of tables repeated blocks, ``true`` a flag, a list of scalars the arguments
of one statement. A virtual server is named by ``ip``+``port``, ``fwmark`` or
``group``; a real server by ``ip``+``port``; a check by its ``type``.
"""

from __future__ import annotations

import re
import tomllib
from typing import Any

from pylvs.config.errors import ConfigError
from pylvs.config.tree import Node, Pos, Word

_HEADS = {"virtual_server": ("ip", "port"), "real_server": ("ip", "port"),
          "sorry_server": ("ip", "port")}


def _scalar(value: Any, pos: Pos) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float | str):
        return str(value)
    raise pos.error(f"unsupported value {value!r}")


class _Converter:
    def __init__(self, file: str) -> None:
        self.file = file

    def pos(self, path: str) -> Pos:
        return Pos(self.file, path=path)

    def block(self, table: dict[str, Any], path: str) -> list[Node]:
        out: list[Node] = []
        for key, value in table.items():
            sub = f"{path}.{key}" if path else key
            out.extend(self.statement(key, value, sub))
        return out

    def statement(self, key: str, value: Any, path: str) -> list[Node]:
        pos = self.pos(path)
        if key in ("virtual_server", "real_server") and isinstance(value, dict):
            value = [value]
        if key == "check":
            items = value if isinstance(value, list) else [value]
            return [self.check(item, f"{path}[{i}]") for i, item in enumerate(items)]
        if key in ("virtual_server", "real_server", "url"):
            if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
                raise pos.error(f"{key} must be a table or an array of tables")
            return [self.head_block(key, item, f"{path}[{i}]") for i, item in enumerate(value)]
        if key == "virtual_server_group":
            if not isinstance(value, dict):
                raise pos.error("virtual_server_group must be a table of NAME = [members]")
            return [self.group(name, members, f"{path}.{name}") for name, members in value.items()]
        if key == "sorry_server" and isinstance(value, dict):
            ip, port = value.get("ip"), value.get("port", 0)
            return [Node(key, [Word(_scalar(ip, pos), pos), Word(_scalar(port, pos), pos)], pos)]
        if isinstance(value, dict):
            return [Node(key, [], pos, self.block(value, path))]
        if isinstance(value, bool):
            return [Node(key, [], pos)] if value else []
        if isinstance(value, list):
            return [Node(key, [Word(_scalar(v, pos), pos) for v in value], pos)]
        return [Node(key, [Word(w, pos) for w in _scalar(value, pos).split()], pos)]

    def head_block(self, key: str, table: dict[str, Any], path: str) -> Node:
        pos = self.pos(path)
        table = dict(table)
        args: list[Word] = []
        if key == "virtual_server" and "fwmark" in table:
            args = [Word("fwmark", pos), Word(_scalar(table.pop("fwmark"), pos), pos)]
        elif key == "virtual_server" and "group" in table:
            args = [Word("group", pos), Word(_scalar(table.pop("group"), pos), pos)]
        elif key in _HEADS:
            if "ip" not in table:
                raise pos.error(f"{key} needs ip and port (or fwmark/group)")
            args = [Word(_scalar(table.pop("ip"), pos), pos)]
            if "port" in table:
                args.append(Word(_scalar(table.pop("port"), pos), pos))
        return Node(key, args, pos, self.block(table, path))

    def check(self, table: Any, path: str) -> Node:
        pos = self.pos(path)
        if not isinstance(table, dict) or "type" not in table:
            raise pos.error("a check is a table with a type (TCP_CHECK, HTTP_GET, ...)")
        table = dict(table)
        kind = str(table.pop("type")).upper()
        return Node(kind, [], pos, self.block(table, path))

    def group(self, name: str, members: Any, path: str) -> Node:
        pos = self.pos(path)
        if not isinstance(members, list):
            raise pos.error("a group is a list of \"IP PORT\" or \"fwmark N\" strings")
        children = []
        for i, member in enumerate(members):
            mpos = self.pos(f"{path}[{i}]")
            words = _scalar(member, mpos).split()
            if not words:
                raise mpos.error("empty group member")
            children.append(Node(words[0], [Word(w, mpos) for w in words[1:]], mpos))
        return Node("virtual_server_group", [Word(name, pos)], pos, children)


def parse_toml(text: str, file: str) -> list[Node]:
    """Parse pylvs TOML text into the statement tree keepalived.conf also yields."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        found = re.search(r"\(at line (\d+), column (\d+)\)", str(exc))
        line, col = (int(found.group(1)), int(found.group(2))) if found else (0, 0)
        msg = str(exc).split(" (at ")[0]
        raise ConfigError(f"invalid TOML: {msg}", file, line, col) from None
    return _Converter(file).block(data, "")

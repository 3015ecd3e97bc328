"""Statement tree -> typed :class:`Config` (keepalived's keywords, whichever syntax)."""

from __future__ import annotations

import dataclasses
import ipaddress
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from pylvs.config.addresses import PROTOCOLS, parse_addr, parse_port
from pylvs.config.errors import ConfigError
from pylvs.config.model import (
    CHECKER_KINDS,
    CheckerConfig,
    Config,
    RealServer,
    UrlCheck,
    VirtualServer,
)
from pylvs.config.tree import Node, Pos, Word
from pylvs.config.values import choice_arg, int_arg, int_word, no_args, seconds_arg, text_arg
from pylvs.core.constants import AF_INET, AF_INET6, IPPROTO_UDP, FwdMethod, SvcFlag

FWD_METHODS = {"NAT": FwdMethod.MASQ, "DR": FwdMethod.DROUTE, "TUN": FwdMethod.TUNNEL}
SCHEDULERS = frozenset(
    ["rr", "wrr", "lc", "wlc", "lblc", "lblcr", "dh", "sh", "sed", "nq", "fo", "ovf", "mh", "twos"]
)
SCHED_FLAGS = {
    "flag-1": SvcFlag.SCHED1, "flag-2": SvcFlag.SCHED2, "flag-3": SvcFlag.SCHED3,
    "sh-fallback": SvcFlag.SCHED1, "sh-port": SvcFlag.SCHED2,
    "mh-fallback": SvcFlag.SCHED1, "mh-port": SvcFlag.SCHED2,
}
VRRP_SECTIONS = frozenset({
    "vrrp_instance", "vrrp_sync_group", "vrrp_script", "vrrp_track_process", "track_file",
    "static_ipaddress", "static_routes", "static_rules", "linkbeat_interfaces", "garp_group",
    "bfd_instance", "net_namespace", "vrrp_track_file",
})
GLOBAL_IGNORED_NOTE = "global setting not used by pylvs"
MAX_WEIGHT = 2**31 - 1


@dataclass(slots=True)
class _Defaults:
    """Checker settings given at virtual/real server level (inherited by its checkers)."""

    values: dict[str, Any] = field(default_factory=dict)


class Builder:
    """Walks the statement tree; collects ignored statements as it goes."""

    def __init__(self) -> None:
        self.config = Config()
        self.groups: dict[str, list[tuple[Pos, dict[str, Any]]]] = {}

    def ignore(self, node: Node, why: str) -> None:
        """Record ``node`` as ignored (not silently dropped)."""
        self.config.ignored.append(f"{node.pos}: {node.keyword} ignored ({why})")

    # -- top level -------------------------------------------------------------

    def build(self, nodes: list[Node]) -> Config:
        """The configuration these top-level statements describe."""
        pending: list[Node] = []
        for node in nodes:
            kw = node.keyword
            if kw == "global_defs":
                self._global_defs(node)
            elif kw == "virtual_server_group":
                self._group(node)
            elif kw == "virtual_server":
                pending.append(node)  # groups may be defined after their use
            elif kw in VRRP_SECTIONS:
                self.ignore(node, "VRRP/other section, not handled by pylvs")
            else:
                self.ignore(node, "unknown keyword")
        for node in pending:
            self.config.virtual_servers.extend(self._virtual_server(node))
        self._check_duplicates()
        return self.config

    def _global_defs(self, node: Node) -> None:
        for child in node.block():
            if child.keyword == "router_id":
                self.config.router_id = text_arg(child)
            else:
                self.ignore(child, GLOBAL_IGNORED_NOTE)

    def _group(self, node: Node) -> None:
        name = node.arg(0, "group name").text
        if name in self.groups:
            raise node.pos.error(f"virtual_server_group {name!r} defined twice")
        members: list[tuple[Pos, dict[str, Any]]] = []
        for child in node.block():
            if child.keyword == "fwmark":
                members.append((child.pos, {"fwmark": int_arg(child, 1, 2**32 - 1)}))
                continue
            port = parse_port(child.arg(0, "port")) if child.args else 0
            for af, addr in _address_range(Word(child.keyword, child.pos)):
                members.append((child.pos, {"af": af, "addr": addr, "port": port}))
        self.groups[name] = members

    def _check_duplicates(self) -> None:
        seen: dict[tuple[Any, ...], str] = {}
        for vs in self.config.virtual_servers:
            key = (vs.af, vs.fwmark) if vs.fwmark else (vs.af, vs.protocol, vs.addr, vs.port)
            if key in seen:
                raise _where_error(
                    vs.where, f"virtual server {vs.label()} already defined at {seen[key]}"
                )
            seen[key] = vs.where

    # -- virtual_server ----------------------------------------------------------

    def _virtual_server(self, node: Node) -> list[VirtualServer]:
        first = node.arg(0, "address, 'fwmark N' or 'group NAME'")
        heads: list[dict[str, Any]]
        group = None
        if first.text == "fwmark":
            heads = [{"fwmark": int_word(node.arg(1, "firewall mark"), 1, 2**32 - 1, "fwmark")}]
        elif first.text == "group":
            group = node.arg(1, "group name").text
            if group not in self.groups:
                raise node.args[1].pos.error(f"virtual_server_group {group!r} is not defined")
            heads = [h for _p, h in self.groups[group]]
        else:
            af, addr = parse_addr(first)
            port = parse_port(node.args[1]) if len(node.args) > 1 else 0
            heads = [{"af": af, "addr": addr, "port": port}]
        settings: dict[str, Any] = {"where": str(node.pos), "group": group}
        defaults = _Defaults()
        flags = 0
        inhibit = False
        sorry: tuple[Node, int, bytes, int] | None = None
        sorry_fwd: int | None = None
        rs_nodes: list[Node] = []
        family: int | None = None
        for child in node.block():
            kw = child.keyword
            if kw == "delay_loop":
                settings["delay_loop"] = seconds_arg(child, 0.001)
            elif kw in ("lb_algo", "lvs_sched"):
                name = child.arg(0, "scheduler").text
                if name not in SCHEDULERS:
                    raise child.args[0].pos.error(f"{kw}: unknown scheduler {name!r}")
                settings["sched_name"] = name
            elif kw in ("lb_kind", "lvs_method"):
                settings["fwd"] = choice_arg(child, FWD_METHODS)
            elif kw == "persistence_timeout":
                settings["persistence_timeout"] = (
                    int_arg(child, 1, 2**31 - 1) if child.args else 360
                )
            elif kw == "persistence_granularity":
                settings["persistence_netmask"] = _granularity(child)
            elif kw == "persistence_engine":
                settings["pe_name"] = child.arg(0, "engine name").text
            elif kw == "protocol":
                settings["protocol"] = choice_arg(child, PROTOCOLS)
            elif kw == "ops":
                if no_args(child):
                    flags |= SvcFlag.ONEPACKET
            elif kw in SCHED_FLAGS:
                if no_args(child):
                    flags |= SCHED_FLAGS[kw]
            elif kw == "lb_flags" or kw == "lvs_flags":
                for w in child.args:
                    if w.text not in SCHED_FLAGS:
                        raise w.pos.error(f"{kw}: unknown flag {w.text!r}")
                    flags |= SCHED_FLAGS[w.text]
            elif kw == "quorum":
                settings["quorum"] = int_arg(child, 1, MAX_WEIGHT)
            elif kw == "hysteresis":
                settings["hysteresis"] = int_arg(child, 0, MAX_WEIGHT)
            elif kw in ("quorum_up", "quorum_down"):
                settings[kw] = text_arg(child)
            elif kw in ("alpha", "omega"):
                settings[kw] = no_args(child)
            elif kw == "inhibit_on_failure":
                inhibit = no_args(child)
            elif kw == "sorry_server":
                af, addr = parse_addr(child.arg(0, "address"))
                port = parse_port(child.args[1]) if len(child.args) > 1 else 0
                sorry = (child, af, addr, port)
            elif kw == "sorry_server_inhibit":
                settings["sorry_server_inhibit"] = no_args(child)
            elif kw == "sorry_server_lvs_method":
                sorry_fwd = choice_arg(child, FWD_METHODS)
            elif kw == "ip_family":
                family = choice_arg(child, {"INET": AF_INET, "INET6": AF_INET6})
            elif kw == "virtualhost":
                defaults.values["virtualhost"] = text_arg(child)
            elif kw in _CHECKER_DEFAULTS:
                defaults.values[_CHECKER_DEFAULTS[kw]] = _checker_default(child)
            elif kw == "real_server":
                rs_nodes.append(child)
            elif kw in ("ha_suspend", "smtp_alert", "virtualhost_name", "notify_up"):
                self.ignore(child, "not used by pylvs")
            else:
                self.ignore(child, "unknown keyword in virtual_server")
        if "persistence_netmask" in settings and "persistence_timeout" not in settings:
            settings["persistence_timeout"] = 360
        settings.setdefault("protocol", IPPROTO_UDP)  # keepalived 2.2: "defaulting to UDP"
        vs_fwd = settings.get("fwd", FwdMethod.MASQ)
        delay_loop = settings.get("delay_loop", 60.0)
        real_servers = tuple(
            self._real_server(n, vs_fwd, delay_loop, inhibit, defaults) for n in rs_nodes
        )
        sorry_rs = None
        if sorry is not None:
            _n, af, addr, port = sorry
            sorry_rs = RealServer(af, addr, port, 1, sorry_fwd if sorry_fwd is not None else vs_fwd,
                                  where=str(sorry[0].pos))
        total = sum(rs.weight for rs in real_servers)
        quorum = settings.get("quorum", 1)
        if 0 < total < quorum:  # as keepalived does
            settings["quorum"] = total
            self.config.warnings.append(
                f"{node.pos}: quorum {quorum} exceeds the total weight of the real servers "
                f"({total}), reduced to {total}"
            )
        out = []
        for head in heads:
            vs_af = head.get("af", family if family is not None else AF_INET)
            fields = {**settings, **head, "flags": flags, "real_servers": real_servers,
                      "sorry_server": sorry_rs}
            fields["persistence_netmask"] = _netmask_for(vs_af, fields.get("persistence_netmask"))
            if head.get("fwmark"):
                fields["af"] = vs_af
                if group is not None:  # keepalived programs a group's mark with port 0
                    fields["real_servers"] = tuple(
                        dataclasses.replace(rs, port=0) for rs in real_servers
                    )
            vs = VirtualServer(**fields)
            for rs in vs.real_servers:
                if rs.af != vs.af:
                    raise _where_error(rs.where, f"real server family differs from {vs.label()}")
            out.append(vs)
        return out

    # -- real_server -------------------------------------------------------------

    def _real_server(
        self, node: Node, vs_fwd: int, delay_loop: float, inhibit: bool, vs_defaults: _Defaults
    ) -> RealServer:
        af, addr = parse_addr(node.arg(0, "address"))
        port = parse_port(node.args[1]) if len(node.args) > 1 else 0
        fields: dict[str, Any] = {"weight": 1, "fwd": vs_fwd, "inhibit_on_failure": inhibit}
        defaults = _Defaults(dict(vs_defaults.values))
        defaults.values.setdefault("delay_loop", delay_loop)
        checker_nodes: list[Node] = []
        for child in node.block() if node.children is not None else []:
            kw = child.keyword
            if kw == "weight":
                fields["weight"] = int_arg(child, 0, MAX_WEIGHT)
            elif kw == "inhibit_on_failure":
                fields["inhibit_on_failure"] = no_args(child)
            elif kw in ("lb_kind", "lvs_method"):
                fields["fwd"] = choice_arg(child, FWD_METHODS)
            elif kw == "uthreshold":
                fields["u_threshold"] = int_arg(child, 0, MAX_WEIGHT)
            elif kw == "lthreshold":
                fields["l_threshold"] = int_arg(child, 0, MAX_WEIGHT)
            elif kw in ("notify_up", "notify_down"):
                fields[kw] = text_arg(child)
            elif kw in CHECKER_KINDS:
                checker_nodes.append(child)
            elif kw == "virtualhost":
                defaults.values["virtualhost"] = text_arg(child)
            elif kw in _CHECKER_DEFAULTS:
                defaults.values[_CHECKER_DEFAULTS[kw]] = _checker_default(child)
            elif kw in ("smtp_alert", "alpha"):
                self.ignore(child, "not used by pylvs")
            else:
                self.ignore(child, "unknown keyword in real_server")
        checkers = tuple(self._checker(n, defaults) for n in checker_nodes)
        return RealServer(af, addr, port, checkers=checkers, where=str(node.pos), **fields)

    # -- checkers ----------------------------------------------------------------

    def _checker(self, node: Node, defaults: _Defaults) -> CheckerConfig:
        kind = node.keyword
        values: dict[str, Any] = {"retry": 3 if kind == "DNS_CHECK" else 1}
        values.update(defaults.values)
        if kind not in ("HTTP_GET", "SSL_GET"):
            values.pop("virtualhost", None)
        urls: list[UrlCheck] = []
        for child in node.block():
            kw = child.keyword
            handler = _CHECKER_KEYS.get(kw)
            if handler is not None and kind in handler[0]:
                values[handler[1]] = handler[2](child)
            elif kw == "url" and kind in ("HTTP_GET", "SSL_GET"):
                urls.append(self._url(child))
            elif kw in ("alpha", "fwmark", "bind_if", "enable_sni", "tls_compliant",
                        "fast_recovery", "protocol", "user", "min_reply_length",
                        "max_reply_length", "source_ip"):
                self.ignore(child, f"not used by pylvs's {kind}")
            else:
                self.ignore(child, f"unknown keyword in {kind}")
        if kind == "MISC_CHECK" and not values.get("misc_path"):
            raise node.pos.error("MISC_CHECK: misc_path is required")
        if kind in ("HTTP_GET", "SSL_GET") and not urls:
            raise node.pos.error(f"{kind}: at least one url {{ }} block is required")
        if values.get("misc_timeout") is None and kind == "MISC_CHECK":
            values["misc_timeout"] = values.get("delay_loop", 60.0)
        return CheckerConfig(kind=kind, where=str(node.pos), urls=tuple(urls), **values)

    def _url(self, node: Node) -> UrlCheck:
        url: dict[str, Any] = {}
        codes: set[int] = set()
        for child in node.block():
            kw = child.keyword
            if kw == "path":
                url["path"] = text_arg(child)
            elif kw == "digest":
                digest = child.arg(0, "md5 digest").text.lower()
                if len(digest) != 32 or any(c not in "0123456789abcdef" for c in digest):
                    raise child.args[0].pos.error("digest: expected 32 hex digits (an MD5 sum)")
                url["digest"] = digest
            elif kw == "status_code":
                for w in child.args:
                    codes.update(_status_codes(w))
                if not child.args:
                    raise child.pos.error("status_code: missing value")
            elif kw == "regex":
                url["regex"] = text_arg(child)
                try:
                    re.compile(url["regex"])
                except re.error as exc:
                    raise child.args[0].pos.error(f"regex: {exc}") from None
            elif kw == "regex_no_match":
                url["regex_no_match"] = no_args(child)
            elif kw == "virtualhost":
                url["virtualhost"] = text_arg(child)
            else:
                self.ignore(child, "unknown keyword in url")
        return UrlCheck(status_codes=frozenset(codes), **url)


def _where_error(where: str, message: str) -> ConfigError:
    file, _, rest = where.rpartition(":")
    if file and rest.isdigit():
        return Pos(file, int(rest)).error(message)
    return Pos(where).error(message)


def _status_codes(word: Word) -> range:
    lo, sep, hi = word.text.partition("-")
    first = int_word(Word(lo, word.pos), 100, 599, "status_code")
    last = int_word(Word(hi, word.pos), first, 599, "status_code") if sep else first
    return range(first, last + 1)


def _granularity(node: Node) -> int:
    word = node.arg(0, "netmask")
    text = word.text
    if text.isdigit() and int(text) <= 128 and "." not in text:
        return int(text)  # IPv6 prefix length (or IPv4 prefix, see below)
    try:
        return int(ipaddress.IPv4Address(text))
    except ValueError:
        raise word.pos.error(f"persistence_granularity: invalid netmask {text!r}") from None


def _netmask_for(af: int, value: int | None) -> int:
    if af == AF_INET6:
        return 128 if value is None or value > 128 else value
    if value is None:
        return 0xFFFFFFFF
    if value <= 32:  # written as a prefix length
        return (0xFFFFFFFF << (32 - value)) & 0xFFFFFFFF
    return value


def _address_range(word: Word) -> list[tuple[int, bytes]]:
    """``198.18.0.1`` or ``198.18.0.1-10`` (last octet/hextet range) -> addresses."""
    text = word.text
    base, sep, end = text.rpartition("-")
    if not sep or not base:
        return [parse_addr(word)]
    af, first = parse_addr(Word(base, word.pos))
    if af == AF_INET:
        last = int_word(Word(end, word.pos), first[3], 255, "address range end")
        return [(af, first[:3] + bytes([o])) for o in range(first[3], last + 1)]
    try:
        last6 = int(end, 16)
    except ValueError:
        raise word.pos.error(f"invalid address range {text!r}") from None
    start6 = int.from_bytes(first[14:], "big")
    if not start6 <= last6 <= 0xFFFF:
        raise word.pos.error(f"invalid address range {text!r}")
    return [(af, first[:14] + v.to_bytes(2, "big")) for v in range(start6, last6 + 1)]


def _checker_default(node: Node) -> Any:
    kw = _CHECKER_DEFAULTS[node.keyword]
    if kw == "retry":
        return int_arg(node, 0, 2**31 - 1)
    return seconds_arg(node)


_CHECKER_DEFAULTS = {
    "retry": "retry", "nb_get_retry": "retry", "delay_before_retry": "delay_before_retry",
    "connect_timeout": "connect_timeout", "warmup": "warmup",
}
_ALL = frozenset(CHECKER_KINDS)
_NET = _ALL - {"MISC_CHECK"}
_HTTP = frozenset({"HTTP_GET", "SSL_GET"})


def _payload(node: Node) -> bytes:
    text = "".join(w.text for w in node.args)
    try:
        return bytes.fromhex(text)
    except ValueError:
        raise node.pos.error(f"payload: expected hex bytes, got {text!r}") from None


_Handler = tuple[frozenset[str], str, Callable[[Node], Any]]
_CHECKER_KEYS: dict[str, _Handler] = {
    "connect_ip": (_NET, "connect_ip", lambda n: str(ipaddress.ip_address(
        n.arg(0, "address").text)) if _valid_ip(n) else None),
    "connect_port": (_NET, "connect_port", lambda n: parse_port(n.arg(0, "port"))),
    "bindto": (_NET, "bindto", lambda n: str(ipaddress.ip_address(n.arg(0, "address").text))
               if _valid_ip(n) else None),
    "bind_port": (_NET, "bind_port", lambda n: parse_port(n.arg(0, "port"))),
    "connect_timeout": (_NET, "connect_timeout", lambda n: seconds_arg(n, 0.001)),
    "retry": (_ALL, "retry", lambda n: int_arg(n, 0, 2**31 - 1)),
    "nb_get_retry": (_ALL, "retry", lambda n: int_arg(n, 0, 2**31 - 1)),
    "delay_before_retry": (_ALL, "delay_before_retry", seconds_arg),
    "delay_loop": (_ALL, "delay_loop", lambda n: seconds_arg(n, 0.001)),
    "warmup": (_ALL, "warmup", seconds_arg),
    "virtualhost": (_HTTP, "virtualhost", text_arg),
    "type": (frozenset({"DNS_CHECK"}), "dns_type", lambda n: text_arg(n).upper()),
    "name": (frozenset({"DNS_CHECK"}), "dns_name", text_arg),
    "payload": (frozenset({"UDP_CHECK"}), "payload", _payload),
    "require_reply": (frozenset({"UDP_CHECK"}), "require_reply", no_args),
    "misc_path": (frozenset({"MISC_CHECK"}), "misc_path", text_arg),
    "misc_timeout": (frozenset({"MISC_CHECK"}), "misc_timeout", lambda n: seconds_arg(n, 0.001)),
    "misc_dynamic": (frozenset({"MISC_CHECK"}), "misc_dynamic", no_args),
}


def _valid_ip(node: Node) -> bool:
    parse_addr(node.arg(0, "address"))
    return True


def build_config(nodes: list[Node]) -> Config:
    """Build the typed configuration from a statement tree."""
    return Builder().build(nodes)


def replace_checker(cfg: CheckerConfig, **changes: Any) -> CheckerConfig:
    """A copy of ``cfg`` with ``changes`` (tests and tools)."""
    return dataclasses.replace(cfg, **changes)

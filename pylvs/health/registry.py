"""Which class checks what: checker kind -> :class:`Checker` subclass."""

from __future__ import annotations

from pylvs.config.model import CheckerConfig, RealServer
from pylvs.health.base import Checker, target_of
from pylvs.health.dns import DnsChecker
from pylvs.health.http import HttpChecker, SslChecker
from pylvs.health.misc import MiscChecker
from pylvs.health.ping import PingChecker
from pylvs.health.tcp import TcpChecker
from pylvs.health.udp import UdpChecker

CHECKERS: dict[str, type[Checker]] = {
    cls.kind: cls
    for cls in (TcpChecker, HttpChecker, SslChecker, DnsChecker, UdpChecker, PingChecker,
                MiscChecker)
}


def make_checker(cfg: CheckerConfig, rs: RealServer) -> Checker:
    """The checker ``cfg`` describes, aimed at ``rs``."""
    return CHECKERS[cfg.kind](cfg, target_of(cfg, rs))

"""The typed configuration: virtual servers, real servers and their health checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from pylvs.core.constants import AF_INET, IPPROTO_TCP, FwdMethod

CHECKER_KINDS = (
    "TCP_CHECK", "HTTP_GET", "SSL_GET", "DNS_CHECK", "UDP_CHECK", "PING_CHECK", "MISC_CHECK",
)


@dataclass(frozen=True, slots=True)
class UrlCheck:
    """One ``url { }`` of HTTP_GET/SSL_GET: the path and what the answer must be."""

    path: str = "/"
    status_codes: frozenset[int] = frozenset()  # empty: any 2xx
    digest: str | None = None  # md5 hex of the body
    regex: str | None = None
    regex_no_match: bool = False
    virtualhost: str | None = None


@dataclass(frozen=True, slots=True)
class CheckerConfig:
    """One health checker of a real server (keepalived's ``*_CHECK`` / ``*_GET`` block)."""

    kind: str
    where: str = field(default="", compare=False)  # file:line, for messages
    connect_ip: str | None = None  # default: the real server's address
    connect_port: int | None = None  # default: the real server's port
    bindto: str | None = None
    bind_port: int | None = None
    connect_timeout: float = 5.0
    retry: int = 1  # failed attempts after the first one before the server is down
    delay_before_retry: float = 1.0
    delay_loop: float = 60.0
    warmup: float = 0.0  # random delay before the first check, at most this
    # HTTP_GET / SSL_GET
    urls: tuple[UrlCheck, ...] = ()
    virtualhost: str | None = None
    # DNS_CHECK
    dns_type: str = "SOA"
    dns_name: str = "."
    # UDP_CHECK
    payload: bytes = b""
    require_reply: bool = False
    # MISC_CHECK
    misc_path: str = ""
    misc_timeout: float | None = None
    misc_dynamic: bool = False


@dataclass(frozen=True, slots=True)
class RealServer:
    """A real server of a virtual server, with its checkers."""

    af: int
    addr: bytes
    port: int
    weight: int = 1
    fwd: int = FwdMethod.MASQ
    inhibit_on_failure: bool = False
    u_threshold: int = 0
    l_threshold: int = 0
    notify_up: str | None = None
    notify_down: str | None = None
    checkers: tuple[CheckerConfig, ...] = ()
    where: str = field(default="", compare=False)

    def ident(self) -> tuple[int, bytes, int]:
        """(af, addr, port): what names this real server within its service."""
        return (self.af, self.addr, self.port)


@dataclass(frozen=True, slots=True)
class VirtualServer:
    """One IPVS service as configured (a group's members each become one of these)."""

    af: int = AF_INET
    protocol: int = IPPROTO_TCP
    addr: bytes = b"\0\0\0\0"
    port: int = 0
    fwmark: int = 0
    sched_name: str = "wlc"
    flags: int = 0  # SvcFlag bits other than PERSISTENT (ops, scheduler flags)
    persistence_timeout: int = 0
    persistence_netmask: int = 0xFFFFFFFF
    pe_name: str = ""
    fwd: int = FwdMethod.MASQ
    delay_loop: float = 60.0
    quorum: int = 1
    hysteresis: int = 0
    quorum_up: str | None = None
    quorum_down: str | None = None
    alpha: bool = False
    omega: bool = False
    sorry_server: RealServer | None = None
    sorry_server_inhibit: bool = False
    real_servers: tuple[RealServer, ...] = ()
    group: str | None = None
    where: str = field(default="", compare=False)

    def label(self) -> str:
        """How messages name this service (``TCP 198.18.0.150:80`` / ``FWM 1``)."""
        from pylvs.config.addresses import service_label

        return service_label(self)


@dataclass(slots=True)
class Config:
    """A whole configuration file: its virtual servers and what was ignored in it."""

    virtual_servers: list[VirtualServer] = field(default_factory=list)
    ignored: list[str] = field(default_factory=list)  # "FILE:LINE: keyword (reason)"
    warnings: list[str] = field(default_factory=list)  # "FILE:LINE: what was adjusted"
    router_id: str | None = None
    files: list[str] = field(default_factory=list)

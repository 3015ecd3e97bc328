"""The proxies bench/http.py measures next to pylvs: HAProxy (TCP mode) and nginx stream.

Each peer runs in the lab director's namespace on an address of its own
(``HAPROXY.address``, ``NGINX_STREAM.address``: 198.18.0.160 and .161, on the client
segment next to the VIP, so the client reaches them without a route), balances round-robin
over the real servers' port 80 (what the lab's nginx serves) and connects to them from that
same address.

By default the peers get a link of their own: a second veth from the director to the client
segment (``PEER_LINK``, no XDP program on either end), their addresses on it, ARP answered
only by the link that holds the address (``arp_ignore=1`` on both links) and a routing rule
sending everything from their addresses out of it. A proxy crosses the director's link four
times per request; on the lab's ``eth0`` it would pay for pylvs's XDP program and, worse,
for veth's XDP mode (every frame from a local socket copied for XDP headroom), which a
HAProxy or nginx host would not have. In NAT mode the real servers answer through the
director's ``eth1`` (their gateway) whatever the address, so there the server side still
crosses it. ``own_link=False`` puts the addresses on ``eth0`` instead.

Config files go to a temporary directory; ``running_peers`` starts the peers, waits until
each answers an HTTP request from the client, and on any exit stops them and undoes every
step (addresses, rule, link, sysctls, directory). A peer whose program is missing is skipped
with a line naming the Debian package to install; one that fails to start is skipped with
its log's last line. The config text generators are pure (no I/O) and unit-tested.
"""

from __future__ import annotations

import ipaddress
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from labshell import attempt, cpu_seconds, spawn

from pylvs.lab.errors import LabError
from pylvs.lab.lab import Lab
from pylvs.lab.system import in_netns, run
from pylvs.lab.topology import LAN, SEGMENT_PREFIXLEN, VIP

PORT = 80
NGINX_MODULES_DIR = Path("/usr/lib/nginx/modules")
STREAM_MODULE = "ngx_stream_module.so"
LINK = "eth0"  # the director's link to the client segment (every mode)
PEER_LINK = "peers0"  # the peers' own link from the director to the client segment
PEER_LINK_PEER = "director-peers"  # its other end, on the segment's bridge
PEER_TABLE = "160"  # routing table of the rule for the peers' addresses
READY_TIMEOUT = 10.0  # seconds for a peer to answer its first request
STOP_GRACE = 5.0


@dataclass(frozen=True, slots=True)
class PeerSpec:
    """A peer: its key in the summary line, its label, its listening address, its package."""

    name: str
    label: str
    address: str
    package: str


HAPROXY = PeerSpec("haproxy", "HAProxy (TCP mode)", "198.18.0.160", "haproxy")
NGINX_STREAM = PeerSpec("nginx_stream", "nginx stream", "198.18.0.161", "libnginx-mod-stream")
PEERS = (HAPROXY, NGINX_STREAM)


def haproxy_config(listen: str, backends: Sequence[str], port: int = PORT) -> str:
    """haproxy.cfg: TCP mode on ``listen:port``, round-robin over ``backends`` (port ``port``),
    connecting from ``listen``."""
    servers = "\n".join(f"    server rs{i} {addr}:{port}"
                        for i, addr in enumerate(backends, start=1))
    return f"""# bench/http.py peer: HAProxy in TCP mode, round-robin over the real servers
# (connecting to them from its own address)
global
    maxconn 4096
defaults
    mode tcp
    timeout connect 5s
    timeout client 60s
    timeout server 60s
frontend bench
    bind {listen}:{port}
    default_backend real_servers
backend real_servers
    balance roundrobin
    source {listen}
{servers}
"""


def nginx_stream_config(listen: str, backends: Sequence[str], workdir: Path,
                        module: Path | None, port: int = PORT) -> str:
    """nginx.conf: a stream server on ``listen:port`` over ``backends``, in the foreground.

    ``module`` is the stream module to load (None when nginx has it built in); the pid file
    and the error log go to ``workdir``. The upstream's default balancing is round-robin;
    connections to the backends come from ``listen``.
    """
    load = f"load_module {module};\n" if module is not None else ""
    servers = "\n".join(f"        server {addr}:{port};" for addr in backends)
    return f"""# bench/http.py peer: nginx stream proxying, round-robin over the real servers
{load}worker_processes auto;
daemon off;
pid {workdir / "nginx.pid"};
error_log {workdir / "error.log"} warn;
events {{ worker_connections 4096; }}
stream {{
    upstream real_servers {{
{servers}
    }}
    server {{
        listen {listen}:{port};
        proxy_bind {listen};
        proxy_pass real_servers;
    }}
}}
"""


def stream_module(build_flags: str, modules_dir: Path = NGINX_MODULES_DIR,
                  exists: Callable[[Path], bool] = Path.exists) -> tuple[bool, Path | None]:
    """Whether an nginx built with ``build_flags`` (``nginx -V``) can proxy streams, and
    the module file to load for it (None when built in).

    A dynamic module is looked up in ``--modules-path`` if the flags give one, else in
    ``modules_dir``.
    """
    flags = build_flags.split()
    if "--with-stream" in flags:
        return True, None
    if "--with-stream=dynamic" not in flags:
        return False, None
    for flag in flags:
        if flag.startswith("--modules-path="):
            modules_dir = Path(flag.split("=", 1)[1])
    module = modules_dir / STREAM_MODULE
    return (True, module) if exists(module) else (False, None)


def _binary(name: str) -> str | None:
    path = os.environ.get("PATH", "") + ":/usr/sbin:/sbin"
    return shutil.which(name, path=path)


@dataclass
class Peer:
    """A started peer: its spec, its main process, its working directory and its link."""

    spec: PeerSpec
    proc: subprocess.Popen[bytes]
    workdir: Path
    link: str = LINK  # the director's interface holding its address

    @property
    def url(self) -> str:
        """The URL wrk and curl use to reach the real servers through this peer."""
        return f"http://{self.spec.address}:{PORT}/"

    def pids(self) -> list[int]:
        """The main process and its descendants (nginx's workers)."""
        found, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            found.append(pid)
            for task in Path(f"/proc/{pid}/task").glob("*"):
                with suppress(OSError, ValueError):
                    todo += [int(c) for c in (task / "children").read_text().split()]
        return found

    def cpu_seconds(self) -> float:
        """User + system CPU time of the peer's processes so far."""
        total = 0.0
        for pid in self.pids():
            with suppress(OSError):
                total += cpu_seconds(pid)
        return total

    def stop(self) -> None:
        """SIGTERM (nginx's master stops its workers), SIGKILL after a grace period."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=STOP_GRACE)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=STOP_GRACE)

    def log_tail(self) -> str:
        """The last non-empty line the peer logged, for error messages."""
        lines: list[str] = []
        for log in sorted(self.workdir.glob("*.log")):
            with suppress(OSError):
                lines += [ln.strip() for ln in log.read_text(errors="replace").splitlines()
                          if ln.strip()]
        return lines[-1] if lines else "(nothing logged)"


def _nginx_stream_argv(spec: PeerSpec, backends: Sequence[str],
                       workdir: Path) -> tuple[list[str] | None, str]:
    nginx = _binary("nginx")
    if nginx is None:
        return None, "nginx is not installed (Debian package nginx-light)"
    try:
        flags = subprocess.run([nginx, "-V"], capture_output=True, text=True, timeout=10,
                               check=False).stderr
    except (OSError, subprocess.TimeoutExpired) as exc:
        return None, f"{nginx} -V failed: {exc}"
    ok, module = stream_module(flags)
    if not ok:
        return None, f"nginx has no stream module (Debian package {spec.package})"
    conf = workdir / "nginx.conf"
    conf.write_text(nginx_stream_config(spec.address, backends, workdir, module))
    return [nginx, "-p", f"{workdir}/", "-c", str(conf), "-e", str(workdir / "error.log")], ""


def _haproxy_argv(spec: PeerSpec, backends: Sequence[str],
                  workdir: Path) -> tuple[list[str] | None, str]:
    haproxy = _binary("haproxy")
    if haproxy is None:
        return None, f"haproxy is not installed (Debian package {spec.package})"
    conf = workdir / "haproxy.cfg"
    conf.write_text(haproxy_config(spec.address, backends))
    return [haproxy, "-db", "-f", str(conf)], ""


ARGV = {HAPROXY.name: _haproxy_argv, NGINX_STREAM.name: _nginx_stream_argv}


def _wait_ready(lab: Lab, peer: Peer) -> str:
    """Why the client gets no answer through ``peer`` (empty once it does)."""
    deadline = time.monotonic() + READY_TIMEOUT
    out = ""
    while time.monotonic() < deadline:
        if peer.proc.poll() is not None:
            return f"exited with status {peer.proc.returncode}: {peer.log_tail()}"
        rc, out = attempt(lab, "client", "curl", "-sf", "-m", "2", "-o", "/dev/null",
                          peer.url, timeout=10)
        if rc == 0:
            return ""
        time.sleep(0.2)
    return f"no answer within {READY_TIMEOUT:g} s ({out.strip() or 'curl failed'});" \
           f" log: {peer.log_tail()}"


def _sysctl(lab: Lab, key: str, value: str, undo: ExitStack) -> None:
    """Set ``key`` on the director; the old value comes back on undo."""
    old = _director(lab, "sysctl", "-n", key).strip()
    _director(lab, "sysctl", "-qw", f"{key}={value}")
    undo.callback(_quietly, lab, "sysctl", "-qw", f"{key}={old}")


def _director(lab: Lab, *cmd: str) -> str:
    rc, out = attempt(lab, "director", *cmd, timeout=30)
    if rc != 0:
        raise LabError(f"director: {' '.join(cmd)}: {out.strip()}")
    return out


def _quietly(lab: Lab, *cmd: str) -> None:
    attempt(lab, "director", *cmd, timeout=30)


def _own_link(lab: Lab, addresses: Sequence[str], undo: ExitStack) -> str:
    """A veth from the director to the client segment for ``addresses``; its name.

    Undone at once if a step fails, else when ``undo`` closes.
    """
    with ExitStack() as mine:
        _make_own_link(lab, addresses, mine)
        undo.enter_context(mine.pop_all())
    return PEER_LINK


def _make_own_link(lab: Lab, addresses: Sequence[str], undo: ExitStack) -> None:
    topo = lab.topology()
    director = topo.host("director").netns
    run(["ip", "link", "add", PEER_LINK, "netns", director, "type", "veth",
         "peer", "name", PEER_LINK_PEER, "netns", topo.switch])
    undo.callback(run, in_netns(director, ["ip", "link", "del", PEER_LINK]), check=False)
    for link in (LINK, PEER_LINK):  # ARP for an address only from the link that holds it
        _sysctl(lab, f"net.ipv4.conf.{link}.arp_ignore", "1", undo)
        _sysctl(lab, f"net.ipv4.conf.{link}.arp_announce", "2", undo)
    _director(lab, "sysctl", "-qw", f"net.ipv6.conf.{PEER_LINK}.disable_ipv6=1")
    run(["ip", "-n", topo.switch, "link", "set", PEER_LINK_PEER, "master", LAN, "up"])
    _director(lab, "ip", "link", "set", PEER_LINK, "up")
    segment = str(ipaddress.ip_interface(f"{VIP}/{SEGMENT_PREFIXLEN}").network)
    _director(lab, "ip", "route", "add", segment, "dev", PEER_LINK, "table", PEER_TABLE)
    for address in addresses:
        _director(lab, "ip", "rule", "add", "from", address, "lookup", PEER_TABLE)
        undo.callback(_quietly, lab, "ip", "rule", "del", "from", address, "lookup",
                      PEER_TABLE)


@contextmanager
def running_peers(lab: Lab, specs: Sequence[PeerSpec], backends: Sequence[str],
                  say: Callable[[str], None] = print,
                  own_link: bool = True) -> Iterator[dict[str, Peer]]:
    """The peers of ``specs`` that could start, by name, proxying to ``backends``:80.

    On a link of their own unless ``own_link`` is false (then on the director's ``eth0``).
    Stopped, and every change undone, on any exit.
    """
    started: dict[str, Peer] = {}
    with ExitStack() as undo:  # each step registers its own undoing; run in reverse
        tmp = Path(tempfile.mkdtemp(prefix="pylvs-bench-peers-"))
        undo.callback(shutil.rmtree, tmp, ignore_errors=True)
        runnable: list[tuple[PeerSpec, list[str], Path]] = []
        for spec in specs:
            workdir = tmp / spec.name
            workdir.mkdir()
            argv, why = ARGV[spec.name](spec, backends, workdir)
            if argv is None:
                say(f"{spec.label}: skipped: {why}")
            else:
                runnable.append((spec, argv, workdir))
        link = LINK
        if own_link and runnable:
            try:
                link = _own_link(lab, [spec.address for spec, _, _ in runnable], undo)
            except LabError as exc:
                say(f"peers: no link of their own ({exc}); they share {LINK} with pylvs")
        for spec, argv, workdir in runnable:
            rc, out = attempt(lab, "director", "ip", "addr", "add", f"{spec.address}/32",
                              "dev", link)
            if rc != 0:
                say(f"{spec.label}: skipped: cannot add {spec.address}: {out.strip()}")
                continue
            undo.callback(_quietly, lab, "ip", "addr", "del", f"{spec.address}/32", "dev",
                          link)
            peer = Peer(spec, spawn(lab, "director", *argv, log=workdir / "output.log"),
                        workdir, link)
            undo.callback(peer.stop)
            why = _wait_ready(lab, peer)
            if why:
                peer.stop()
                say(f"{spec.label}: skipped: did not start: {why}")
                continue
            started[spec.name] = peer
        yield started

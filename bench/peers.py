"""The proxies bench/http.py measures next to pylvs: HAProxy (TCP mode) and nginx stream.

Each peer runs in the lab director's namespace, listens on an address of its own on the
director's client-side link (``HAPROXY.address``, ``NGINX_STREAM.address``: /32 addresses in
198.18.0.0/24 next to the VIP, so the client reaches them over the same segment without a
route) and balances round-robin over the real servers' port 80 (what the lab's nginx serves).
Config files go to a temporary directory; ``running_peers`` starts the peers, waits until
each answers an HTTP request from the client, and on any exit stops them, removes their
addresses and the directory. A peer whose program is missing is skipped with a line naming
the Debian package to install; one that fails to start is skipped with its log's last line.
The config text generators are pure (no I/O) and unit-tested.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path

from labshell import attempt, spawn

from pylvs.lab.lab import Lab

PORT = 80
NGINX_MODULES_DIR = Path("/usr/lib/nginx/modules")
STREAM_MODULE = "ngx_stream_module.so"
LINK = "eth0"  # the director's link to the client segment (every mode)
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
    """haproxy.cfg: TCP mode on ``listen:port``, round-robin over ``backends`` (port ``port``)."""
    servers = "\n".join(f"    server rs{i} {addr}:{port}"
                        for i, addr in enumerate(backends, start=1))
    return f"""# bench/http.py peer: HAProxy in TCP mode, round-robin over the real servers
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
{servers}
"""


def nginx_stream_config(listen: str, backends: Sequence[str], workdir: Path,
                        module: Path | None, port: int = PORT) -> str:
    """nginx.conf: a stream server on ``listen:port`` over ``backends``, in the foreground.

    ``module`` is the stream module to load (None when nginx has it built in); the pid file
    and the error log go to ``workdir``. The upstream's default balancing is round-robin.
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
    """A started peer: its spec, its main process and its working directory."""

    spec: PeerSpec
    proc: subprocess.Popen[bytes]
    workdir: Path

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
        tck = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / tck

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


@contextmanager
def running_peers(lab: Lab, specs: Sequence[PeerSpec], backends: Sequence[str],
                  say: Callable[[str], None] = print) -> Iterator[dict[str, Peer]]:
    """The peers of ``specs`` that could start, by name, proxying to ``backends``:80.

    Stopped, their addresses removed and their configs deleted on any exit.
    """
    tmp = Path(tempfile.mkdtemp(prefix="pylvs-bench-peers-"))
    started: dict[str, Peer] = {}
    spawned: list[Peer] = []
    added: list[str] = []
    try:
        for spec in specs:
            workdir = tmp / spec.name
            workdir.mkdir()
            argv, why = ARGV[spec.name](spec, backends, workdir)
            if argv is None:
                say(f"{spec.label}: skipped: {why}")
                continue
            rc, out = attempt(lab, "director", "ip", "addr", "add", f"{spec.address}/32",
                              "dev", LINK)
            if rc != 0:
                say(f"{spec.label}: skipped: cannot add {spec.address}: {out.strip()}")
                continue
            added.append(spec.address)
            peer = Peer(spec, spawn(lab, "director", *argv, log=workdir / "output.log"),
                        workdir)
            spawned.append(peer)
            why = _wait_ready(lab, peer)
            if why:
                peer.stop()
                say(f"{spec.label}: skipped: did not start: {why}")
                continue
            started[spec.name] = peer
        yield started
    finally:
        for peer in spawned:
            peer.stop()
        for address in added:
            attempt(lab, "director", "ip", "addr", "del", f"{address}/32", "dev", LINK)
        shutil.rmtree(tmp, ignore_errors=True)

"""``pylvs lab up|down|status|exec``: build, inspect and remove a lab of namespaces."""

from __future__ import annotations

import json
import os
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pylvs.datapath import XDP_MODES
from pylvs.lab import director, nginx
from pylvs.lab.errors import LabError
from pylvs.lab.system import alive, in_netns, list_netns, netns_pids, run, stop_processes
from pylvs.lab.topology import (
    ECHO_PORTS,
    VIP,
    VIP6,
    Host,
    Topology,
    build,
    check_prefix,
    lab_namespaces,
)

STATE_ROOT = Path("/run/pylvs-lab")

Progress = Callable[[str], None]


def _quiet(_line: str) -> None:
    pass


def state_dir(prefix: str, root: Path = STATE_ROOT) -> Path:
    """Where the lab ``prefix`` keeps its configs, logs, pids and daemon socket."""
    return root / check_prefix(prefix)


def socket_path(prefix: str, root: Path = STATE_ROOT) -> Path:
    """The lab director daemon's control socket."""
    return state_dir(prefix, root) / "director" / "pylvsd.sock"


@dataclass
class LabState:
    """What ``up`` built, saved as ``lab.json`` in the lab's state dir once complete."""

    prefix: str
    mode: str
    real_servers: int
    datapath: str  # what was asked for
    daemon_pid: int | None
    daemon_datapath: str = "none"  # what the daemon runs: none means control only
    daemon_note: str = ""
    peer_xdp: bool = False  # XDP_PASS on the switch side of the director's veth
    xdp_mode: str = "auto"  # pylvsd --xdp-mode
    nginx_pids: dict[str, int] = field(default_factory=dict)
    echo_pids: dict[str, int] = field(default_factory=dict)
    decap: dict[str, str] = field(default_factory=dict)  # TUN: how each real server decaps
    config: str | None = None  # pylvsd --config FILE (keepalived.conf/TOML), if given

    @classmethod
    def load(cls, path: Path) -> LabState | None:
        """The saved state, or None when there is none (or it is unreadable)."""
        try:
            raw: dict[str, Any] = json.loads(path.read_text())
            return cls(**raw)
        except (OSError, ValueError, TypeError):
            return None

    def save(self, path: Path) -> None:
        """Write the state file."""
        path.write_text(json.dumps(self.__dict__, indent=2) + "\n")


class Lab:
    """One lab, named by its prefix."""

    def __init__(
        self,
        prefix: str,
        *,
        state_root: Path = STATE_ROOT,
        progress: Progress = _quiet,
        nginx_path: str | None = None,
    ) -> None:
        self.prefix = check_prefix(prefix)
        self.dir = state_dir(prefix, state_root)
        self.socket = socket_path(prefix, state_root)
        self.progress = progress
        self._nginx_path = nginx_path

    @property
    def state_file(self) -> Path:
        """The saved state of a complete lab."""
        return self.dir / "lab.json"

    def state(self) -> LabState | None:
        """The saved state, if the lab is up."""
        return LabState.load(self.state_file)

    def namespaces(self) -> list[str]:
        """This lab's namespaces that exist now (complete or not)."""
        return lab_namespaces(self.prefix, list_netns())

    def topology(self) -> Topology:
        """The topology of the running lab."""
        st = self.state()
        if st is None:
            raise LabError(f"lab {self.prefix!r} is not up (pylvs lab up --prefix {self.prefix})")
        return build(self.prefix, st.mode, st.real_servers)

    # ---- up -------------------------------------------------------------------------------

    def up(self, mode: str = "dr", real_servers: int = 2, datapath: str = "auto",
           config: str | None = None, xdp_mode: str = "auto") -> LabState:
        """Build the lab; a complete lab of the same shape is left as it is.

        A half-built or different lab of this prefix is removed first. If any step fails,
        everything built so far is removed and the error is raised.
        """
        topo = build(self.prefix, mode, real_servers)
        if datapath not in director.DATAPATHS:
            raise LabError(f"unknown datapath {datapath!r}: use {', '.join(director.DATAPATHS)}")
        if xdp_mode not in XDP_MODES:
            raise LabError(f"unknown XDP mode {xdp_mode!r}: use {', '.join(XDP_MODES)}")
        current = self.state()
        if (
            current is not None
            and (current.mode, current.real_servers, current.datapath) == (mode, real_servers,
                                                                          datapath)
            and current.config == config
            and current.xdp_mode == xdp_mode
            and set(self.namespaces()) == set(topo.namespaces)
            and self._processes_alive(current)
        ):
            self.progress(f"lab {self.prefix!r} is already up")
            return current
        if self.namespaces() or self.dir.exists():
            self.progress(f"removing the previous lab {self.prefix!r}")
            self.down()
        try:
            return self._build(topo, datapath, config, xdp_mode)
        except BaseException:
            self.progress("lab up failed: removing what was built")
            self.down()
            raise

    def _processes_alive(self, st: LabState) -> bool:
        pids = list(st.nginx_pids.values()) + list(st.echo_pids.values())
        if st.daemon_pid is not None:
            pids.append(st.daemon_pid)
        return all(alive(p) for p in pids)

    def _build(self, topo: Topology, datapath: str, config: str | None = None,
               xdp_mode: str = "auto") -> LabState:
        nginx_bin = self._nginx_path or nginx.nginx_binary()
        self.dir.mkdir(parents=True, exist_ok=True)
        self.progress(f"creating {len(topo.namespaces)} namespaces and the segment")
        sw = topo.switch
        run(["ip", "netns", "add", sw])
        run(["ip", "-n", sw, "link", "set", "lo", "up"])
        for bridge in topo.segments:
            run(["ip", "-n", sw, "link", "add", bridge, "type", "bridge"])
            run(["ip", "-n", sw, "link", "set", bridge, "up"])
        # a plain switch: with br_netfilter loaded, every bridged frame would go through
        # netfilter and a route lookup in the switch (sysctl -e: absent without it)
        run(in_netns(sw, ["sysctl", "-q", "-e", "-w"]
                     + [f"net.bridge.bridge-nf-call-{t}=0"
                        for t in ("iptables", "ip6tables", "arptables")]))
        for host in topo.hosts:
            self._add_host(topo, host)
        run(in_netns(topo.host("client").netns, ["ethtool", "-K", "eth0", "tx", "off"]))
        st = LabState(self.prefix, topo.mode, len(topo.real_servers), datapath, None,
                      config=config, xdp_mode=xdp_mode)
        for host in topo.real_servers:
            self.progress(f"starting nginx on {host.role} and setting it up as a real server")
            st.nginx_pids[host.role] = self._start_nginx(host, nginx_bin)
            st.echo_pids[host.role] = self._start_echo(host)
            if topo.mode != "nat":
                how = self._realserver_setup(host, topo.mode)
                if how:
                    st.decap[host.role] = how
        if datapath in ("auto", "xdp") and xdp_mode == "native":
            st.peer_xdp = self._peer_xdp(topo, datapath)  # generic mode sends skbs
        self.progress(f"starting pylvsd on the director (datapath {datapath})")
        started = director.start(
            topo.host("director").netns, self.socket, self.dir / "director", datapath,
            tuple(link.ifname for link in topo.host("director").links), config, xdp_mode,
        )
        st.daemon_pid, st.daemon_datapath = started.pid, started.datapath
        st.daemon_note = started.note
        if started.note:
            self.progress(f"warning: {started.note}")
        st.save(self.state_file)
        return st

    def _add_host(self, topo: Topology, host: Host) -> None:
        ns = host.netns
        run(["ip", "netns", "add", ns])
        run(["ip", "-n", ns, "link", "set", "lo", "up"])
        for link in host.links:
            peer = host.peer_name(link)
            run(["ip", "link", "add", link.ifname, "netns", ns, "type", "veth",
                 "peer", "name", peer, "netns", topo.switch])
            run(["ip", "-n", topo.switch, "link", "set", peer, "master", link.segment, "up"])
            for address in link.addresses:
                nodad = ["nodad"] if ":" in address else []  # usable at once, no DAD wait
                run(["ip", "-n", ns, "addr", "add", address, "dev", link.ifname, *nodad])
            run(["ip", "-n", ns, "link", "set", link.ifname, "up"])
        if host.gateway is not None:
            run(["ip", "-n", ns, "route", "add", "default", "via", host.gateway])
        if host.gateway6 is not None:
            run(["ip", "-n", ns, "-6", "route", "add", "default", "via", host.gateway6])

    def _peer_xdp(self, topo: Topology, datapath: str) -> bool:
        """Attach XDP_PASS on the switch side of the director's links (needed for XDP_TX)."""
        director_host = topo.host("director")
        try:
            for link in director_host.links:
                run(in_netns(topo.switch, [
                    sys.executable, "-m", "pylvs.lab.xdppass", director_host.peer_name(link),
                ]))
        except LabError as exc:
            if datapath == "xdp":
                raise
            self.progress(f"warning: no XDP on the director's veth peer: {exc}")
            return False
        return True

    def _start_nginx(self, host: Host, nginx_bin: str) -> int:
        workdir = self.dir / host.role
        conf = nginx.write_config(host.role, workdir)
        run(in_netns(host.netns, [nginx_bin, "-c", str(conf), "-e", str(workdir / "error.log")]))
        pid = nginx.pid_of(workdir)
        if pid is None:
            raise LabError(f"nginx on {host.role} did not write its pid file")
        return pid

    def _start_echo(self, host: Host) -> int:
        """The UDP echo server (and TCP byte counter) of a real server; its pid."""
        workdir = self.dir / host.role
        pidfile = workdir / "echo.pid"
        argv = [sys.executable, "-m", "pylvs.lab.echo", "--name", host.role,
                "--pidfile", str(pidfile)]
        for port in ECHO_PORTS:
            argv += ["--port", str(port)]
        return director.spawn(in_netns(host.netns, argv), workdir / "echo.log", pidfile)

    def _realserver_setup(self, host: Host, mode: str) -> str:
        """``pylvs realserver setup`` on ``host``; for TUN, how it decapsulates."""
        out = run(in_netns(host.netns, [
            str(director.venv_bin() / "pylvs"), "realserver", "setup", "--mode", mode,
            "--vip", VIP, "--vip", VIP6, "--state-dir", str(self.dir / host.role),
        ]))
        if mode != "tun":
            return ""
        how = [line for line in out.splitlines() if line.startswith("decapsulation:")]
        if how:
            self.progress(f"{host.role}: {how[-1]}")
        return "bpf" if how and "BPF" in how[-1] else "kernel"

    # ---- down -----------------------------------------------------------------------------

    def down(self) -> list[str]:
        """Remove every namespace of this lab, its processes and its state dir.

        Works from whatever is left, even after a crash: namespaces are found by name.
        Returns the namespaces removed.
        """
        found = self.namespaces()
        pids = [pid for ns in found for pid in netns_pids(ns)]
        st = self.state()
        if st is not None and st.daemon_pid is not None and alive(st.daemon_pid):
            pids.append(st.daemon_pid)
        if pids:
            self.progress(f"stopping {len(set(pids))} lab processes")
            stop_processes(sorted(set(pids)))
        errors = []
        for ns in found:
            try:
                run(["ip", "netns", "del", ns])
            except LabError as exc:
                errors.append(str(exc))
        shutil.rmtree(self.dir, ignore_errors=True)
        if errors:
            raise LabError("lab down incomplete: " + "; ".join(errors))
        return found

    # ---- exec -----------------------------------------------------------------------------

    def exec_argv(self, role: str, command: list[str]) -> tuple[list[str], dict[str, str]]:
        """The command line and environment that run ``command`` on host ``role``."""
        if not command:
            raise LabError("give a command after --, e.g. pylvs lab exec client -- curl ...")
        host = self.topology().host(role)
        env = dict(os.environ)
        env["PATH"] = f"{director.venv_bin()}:{env.get('PATH', '/usr/sbin:/usr/bin:/sbin:/bin')}"
        env["PYLVS_SOCKET"] = str(self.socket)
        return in_netns(host.netns, command), env

    # ---- status ---------------------------------------------------------------------------

    def status(self) -> tuple[bool, list[str]]:
        """Whether the lab is up and healthy, and one line per host saying what runs there."""
        existing = self.namespaces()
        st = self.state()
        if st is None:
            if existing:
                return False, [f"lab {self.prefix!r}: half-built ({', '.join(existing)});"
                               f" run pylvs lab down --prefix {self.prefix}"]
            return False, [f"lab {self.prefix!r}: down"]
        topo = build(self.prefix, st.mode, st.real_servers)
        lines = [f"lab {self.prefix!r}: mode {st.mode}, state in {self.dir}"]
        healthy = True
        for host in topo.hosts:
            if host.netns not in existing:
                lines.append(f"  {host.role:<9} MISSING namespace {host.netns}")
                healthy = False
                continue
            addrs = []
            for link in host.links:
                addrs += run(["ip", "-n", host.netns, "-br", "addr", "show", "dev",
                              link.ifname]).split()[2:]
            what = self._host_status(host, st)
            healthy = healthy and "!" not in what
            shown = " ".join(a for a in addrs if not a.startswith("fe80:"))
            lines.append(f"  {host.role:<9} {host.netns:<20} {shown:<32} {what}")
        return healthy, lines

    def _host_status(self, host: Host, st: LabState) -> str:
        if host.role == "director":
            if not director.running(st.daemon_pid):
                return f"! pylvsd (pid {st.daemon_pid}) is not running"
            text = f"pylvsd pid {st.daemon_pid}, datapath {st.daemon_datapath}"
            text += ", XDP_PASS on the switch-side peer" if st.peer_xdp else ""
            return text + (f" ({st.daemon_note})" if st.daemon_note else "")
        if host.is_real_server:
            pid = st.nginx_pids.get(host.role)
            if pid is None or not alive(pid):
                return f"! nginx (pid {pid}) is not running"
            echo = st.echo_pids.get(host.role)
            if echo is None or not alive(echo):
                return f"! UDP echo server (pid {echo}) is not running"
            if st.mode == "nat":
                return f"nginx pid {pid}, echo pid {echo}, behind the director (NAT)"
            check = run(in_netns(host.netns, [
                str(director.venv_bin() / "pylvs"), "realserver", "check", "--mode", st.mode,
                "--vip", VIP, "--vip", VIP6,
            ]), check=False)
            verdict = "real server ready" if check.startswith("ready") else "! NOT READY"
            decap = f", decap {st.decap[host.role]}" if st.decap.get(host.role) else ""
            return f"nginx pid {pid}, echo pid {echo}, {verdict}{decap}"
        return "client"

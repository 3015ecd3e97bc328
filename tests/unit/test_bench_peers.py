"""bench/peers.py: the peers' config text, stream-module detection and addresses (no processes)."""

from __future__ import annotations

import ipaddress
import sys
from pathlib import Path
from typing import cast

import pytest

from pylvs.lab.lab import Lab
from pylvs.lab.topology import MODES, build

BENCH = str(Path(__file__).resolve().parents[2] / "bench")
sys.path.insert(0, BENCH)
try:
    import peers
finally:
    sys.path.remove(BENCH)  # bench/http.py must not shadow the standard library's http

BACKENDS = ["198.18.0.171", "198.18.0.172"]


def _lines(text: str) -> list[str]:
    return [ln.strip() for ln in text.splitlines() if ln.strip() and not ln.startswith("#")]


def test_haproxy_config_is_tcp_round_robin_over_every_backend() -> None:
    lines = _lines(peers.haproxy_config("198.18.0.160", BACKENDS, port=80))
    assert "mode tcp" in lines
    assert "bind 198.18.0.160:80" in lines
    assert "balance roundrobin" in lines
    assert "source 198.18.0.160" in lines  # to the real servers from its own address
    servers = [ln for ln in lines if ln.startswith("server ")]
    assert servers == ["server rs1 198.18.0.171:80", "server rs2 198.18.0.172:80"]
    assert not any(ln.startswith("mode http") for ln in lines)


def test_haproxy_config_follows_the_port_and_backend_count() -> None:
    lines = _lines(peers.haproxy_config("198.18.0.160", ["198.19.0.171"], port=8080))
    assert "bind 198.18.0.160:8080" in lines
    assert [ln for ln in lines if ln.startswith("server ")] == ["server rs1 198.19.0.171:8080"]


def test_nginx_stream_config_loads_the_module_only_when_given(tmp_path: Path) -> None:
    module = tmp_path / "ngx_stream_module.so"
    dynamic = _lines(peers.nginx_stream_config("198.18.0.161", BACKENDS, tmp_path, module))
    built_in = _lines(peers.nginx_stream_config("198.18.0.161", BACKENDS, tmp_path, None))
    assert dynamic[0] == f"load_module {module};"
    assert not any(ln.startswith("load_module") for ln in built_in)
    for lines in (dynamic, built_in):
        assert "listen 198.18.0.161:80;" in lines
        assert "proxy_pass real_servers;" in lines
        assert "proxy_bind 198.18.0.161;" in lines  # to the real servers from its own address
        assert [ln for ln in lines if ln.startswith("server 198")] == [
            "server 198.18.0.171:80;", "server 198.18.0.172:80;"]
        assert "daemon off;" in lines  # stays in the foreground: the bench owns the process
        assert f"pid {tmp_path / 'nginx.pid'};" in lines
        assert not any(ln.startswith(("http ", "http{")) for ln in lines)


def test_nginx_stream_config_braces_balance(tmp_path: Path) -> None:
    text = peers.nginx_stream_config("198.18.0.161", BACKENDS, tmp_path, None)
    assert text.count("{") == text.count("}") > 0


def test_stream_module_built_in() -> None:
    assert peers.stream_module("configure arguments: --with-stream --with-http_ssl_module",
                               exists=lambda _p: False) == (True, None)


def test_stream_module_dynamic_found_in_modules_path(tmp_path: Path) -> None:
    (tmp_path / peers.STREAM_MODULE).write_text("")
    flags = f"--prefix=/usr --modules-path={tmp_path} --with-stream=dynamic"
    assert peers.stream_module(flags, Path("/nonexistent")) == (
        True, tmp_path / peers.STREAM_MODULE)


def test_stream_module_dynamic_default_dir(tmp_path: Path) -> None:
    (tmp_path / peers.STREAM_MODULE).write_text("")
    assert peers.stream_module("--with-stream=dynamic", tmp_path) == (
        True, tmp_path / peers.STREAM_MODULE)


@pytest.mark.parametrize("flags", [
    "--with-stream=dynamic",  # built as a module, module not installed
    "--with-http_ssl_module --with-stream_ssl_module",  # no stream at all
])
def test_stream_module_missing(flags: str, tmp_path: Path) -> None:
    assert peers.stream_module(flags, tmp_path) == (False, None)


@pytest.mark.parametrize("mode", MODES)
def test_peer_addresses_are_unused_lab_addresses_on_the_client_segment(mode: str) -> None:
    topo = build("t-", mode, 20)
    used = {h.address for h in topo.hosts} | {"198.18.0.150"}
    segment = ipaddress.ip_network("198.18.0.0/24")
    addresses = [spec.address for spec in peers.PEERS]
    assert len(set(addresses)) == len(addresses)
    for address in addresses:
        assert ipaddress.ip_address(address) in segment
        assert address not in used


def test_missing_programs_are_skipped_naming_their_packages(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setattr(peers, "_binary", lambda _name: None)
    monkeypatch.setattr(peers.tempfile, "tempdir", str(tmp_path))
    said: list[str] = []
    lab = cast(Lab, object())  # never used: nothing starts when no program is found
    with peers.running_peers(lab, peers.PEERS, BACKENDS, say=said.append) as started:
        assert started == {}
    assert len(said) == 2
    assert said[0].startswith("HAProxy (TCP mode): skipped:") and "package haproxy" in said[0]
    assert said[1].startswith("nginx stream: skipped:") and "nginx-light" in said[1]
    assert list(tmp_path.iterdir()) == []  # the config directory is gone

"""keepalived.conf and TOML parsing: values, defaults, includes, ignored sections, errors."""

from __future__ import annotations

import pathlib

import pytest

from pylvs.config import ConfigError, load_config, parse_text
from pylvs.config.table import build_table
from pylvs.core.constants import AF_INET6, IPPROTO_TCP, IPPROTO_UDP, FwdMethod, SvcFlag

BASIC = """\
virtual_server 198.18.0.150 80 {
    delay_loop 2
    lb_algo wrr
    lb_kind DR
    protocol TCP
    persistence_timeout 30
    persistence_granularity 255.255.255.0
    ops
    quorum 3
    hysteresis 1
    sorry_server 198.18.0.180 8080
    real_server 198.18.0.171 80 {
        weight 5
        inhibit_on_failure
        notify_down "/usr/local/bin/alert down"
        HTTP_GET {
            url {
                path /health
                status_code 200 301-302
                regex "^ok"
            }
            connect_port 8000
            connect_timeout 2.5
            retry 2
            delay_before_retry 0.5
        }
        TCP_CHECK {
            warmup 4
        }
    }
}
"""


def test_keepalived_values_reach_the_model() -> None:
    cfg = parse_text(BASIC, "basic.conf")
    (vs,) = cfg.virtual_servers
    assert (vs.protocol, vs.port, vs.sched_name, vs.fwd) == (IPPROTO_TCP, 80, "wrr",
                                                              FwdMethod.DROUTE)
    assert vs.persistence_timeout == 30 and vs.persistence_netmask == 0xFFFFFF00
    assert vs.flags == SvcFlag.ONEPACKET and (vs.quorum, vs.hysteresis) == (3, 1)
    assert vs.sorry_server is not None and vs.sorry_server.port == 8080
    (rs,) = vs.real_servers
    assert rs.weight == 5 and rs.inhibit_on_failure
    assert rs.notify_down == "/usr/local/bin/alert down"
    http, tcp = rs.checkers
    assert http.kind == "HTTP_GET" and http.connect_port == 8000
    assert (http.connect_timeout, http.retry, http.delay_before_retry) == (2.5, 2, 0.5)
    assert http.delay_loop == 2  # inherited from the virtual server
    assert http.urls[0].status_codes == frozenset({200, 301, 302})
    assert http.urls[0].regex == "^ok"
    assert tcp.warmup == 4 and tcp.connect_timeout == 5.0 and tcp.retry == 1


def test_keepalived_defaults() -> None:
    cfg = parse_text("virtual_server 198.18.0.150 80 {\n real_server 198.18.0.171 80\n}\n")
    (vs,) = cfg.virtual_servers
    assert (vs.protocol, vs.sched_name, vs.fwd, vs.delay_loop) == (
        IPPROTO_UDP, "wlc", FwdMethod.MASQ, 60.0)
    assert vs.real_servers[0].weight == 1 and vs.quorum == 1


def test_ignored_sections_are_reported_with_lines() -> None:
    text = "global_defs {\n  router_id X\n  smtp_server 198.18.0.1\n}\n" \
           "vrrp_instance VI_1 {\n  state MASTER\n}\nfrobnicate 1\n" \
           "virtual_server 198.18.0.150 80 {\n  bogus_key 1\n}\n"
    cfg = parse_text(text, "k.conf")
    assert cfg.router_id == "X"
    assert cfg.ignored == [
        "k.conf:3: smtp_server ignored (global setting not used by pylvs)",
        "k.conf:5: vrrp_instance ignored (VRRP/other section, not handled by pylvs)",
        "k.conf:8: frobnicate ignored (unknown keyword)",
        "k.conf:10: bogus_key ignored (unknown keyword in virtual_server)",
    ]


def test_one_line_blocks_and_comments() -> None:
    text = ("virtual_server 198.18.0.150 80 { # the web\n  protocol TCP ! tcp\n"
            "  real_server 198.18.0.171 80 {\n weight 2\n TCP_CHECK { connect_timeout 1 } }\n}\n")
    (vs,) = parse_text(text).virtual_servers
    assert vs.real_servers[0].weight == 2
    assert vs.real_servers[0].checkers[0].connect_timeout == 1


def test_group_members_become_services() -> None:
    text = ("virtual_server_group G {\n 198.18.0.150-151 80\n 198.18.1.1 80\n fwmark 9\n}\n"
            "virtual_server group G {\n protocol TCP\n real_server 198.18.0.171 80 {\n }\n}\n")
    cfg = parse_text(text)
    assert [(vs.af, vs.addr, vs.port, vs.fwmark) for vs in cfg.virtual_servers][:2] == [
        (2, bytes([198, 18, 0, 150]), 80, 0), (2, bytes([198, 18, 0, 151]), 80, 0)]
    assert cfg.virtual_servers[3].fwmark == 9
    assert all(vs.group == "G" for vs in cfg.virtual_servers)


def test_include_pattern_relative_to_the_including_file(tmp_path: pathlib.Path) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "a.conf").write_text(
        "virtual_server 198.18.0.150 80 {\n protocol TCP\n}\n")
    (tmp_path / "d" / "b.conf").write_text(
        "virtual_server 198.18.0.150 81 {\n protocol TCP\n}\n")
    main = tmp_path / "main.conf"
    main.write_text("include d/*.conf\n")
    assert [vs.port for vs in load_config(str(main)).virtual_servers] == [80, 81]


@pytest.mark.parametrize(("text", "where", "message"), [
    ("virtual_server 198.18.0.150 80 {\n lb_kind XX\n}\n", "k.conf:2:10",
     "lb_kind: unknown value 'XX' (expected one of DR, NAT, TUN)"),
    ("virtual_server 198.18.0.1 99999 {\n}\n", "k.conf:1:27", "port 99999 out of range"),
    ("virtual_server 198.18.0.300 80 {\n}\n", "k.conf:1:16", "invalid IP address"),
    ("virtual_server 198.18.0.1 80 {\n real_server 198.18.0.2 80 {\n weight x\n }\n}\n",
     "k.conf:3:9", "weight: expected an integer, got 'x'"),
    ("virtual_server 198.18.0.1 80 {\n lb_algo fastest\n}\n", "k.conf:2:10",
     "lb_algo: unknown scheduler 'fastest'"),
    ("virtual_server 198.18.0.1 80 {\n protocol TCP\n", "k.conf:1:30",
     "this '{' is never closed"),
    ("}\n", "k.conf:1:1", "'}' without a matching '{'"),
    ('virtual_server 198.18.0.1 80 {\n quorum_up "x\n}\n', "k.conf:2:12",
     "unterminated quoted string"),
    ("virtual_server group NOPE {\n}\n", "k.conf:1:22", "virtual_server_group 'NOPE'"),
    ("virtual_server 198.18.0.1 80 {\n real_server 198.18.0.2 80 {\n MISC_CHECK {\n }\n }\n}\n",
     "k.conf:3:2", "MISC_CHECK: misc_path is required"),
    ("virtual_server 198.18.0.1 80 {\n real_server 198.18.0.2 80 {\n HTTP_GET {\n"
     "  url {\n   digest 12\n  }\n }\n }\n}\n", "k.conf:5:11", "digest: expected 32 hex"),
    ("virtual_server 198.18.0.1 80 {\n}\nvirtual_server 198.18.0.1 80 {\n}\n", "k.conf:3",
     "already defined at k.conf:1"),
    ("include missing.conf\n", "k.conf:1:9", "include: cannot read"),
])
def test_errors_name_file_line_and_column(text: str, where: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_text(text, "k.conf")
    assert str(info.value).startswith(where + ": ")
    assert message in str(info.value)


def test_unreadable_file() -> None:
    with pytest.raises(ConfigError, match=r"^/nonexistent/x\.conf: cannot read"):
        load_config("/nonexistent/x.conf")


TOML = """\
[global_defs]
router_id = "DIRECTOR"

[[virtual_server]]
ip = "198.18.0.150"
port = 80
protocol = "TCP"
lb_algo = "wrr"
lb_kind = "DR"
persistence_timeout = 30
persistence_granularity = "255.255.255.0"
ops = true
quorum = 3
hysteresis = 1
sorry_server = { ip = "198.18.0.180", port = 8080 }
delay_loop = 2

[[virtual_server.real_server]]
ip = "198.18.0.171"
port = 80
weight = 5
inhibit_on_failure = true
notify_down = "/usr/local/bin/alert down"

[[virtual_server.real_server.check]]
type = "HTTP_GET"
connect_port = 8000
connect_timeout = 2.5
retry = 2
delay_before_retry = 0.5
url = [{ path = "/health", status_code = [200, "301-302"], regex = "^ok" }]

[[virtual_server.real_server.check]]
type = "TCP_CHECK"
warmup = 4
"""


def test_toml_means_the_same_as_keepalived() -> None:
    ka = parse_text(BASIC, "basic.conf")
    toml = parse_text(TOML, "basic.toml")
    assert toml.virtual_servers == ka.virtual_servers
    assert toml.router_id == "DIRECTOR"
    assert build_table(toml) == build_table(ka)


def test_toml_ipv6_and_fwmark_and_groups() -> None:
    text = """
[virtual_server_group]
WEB = ["198.18.0.150-151 80", "fwmark 3"]

[[virtual_server]]
group = "WEB"
protocol = "TCP"
[[virtual_server.real_server]]
ip = "198.18.0.171"
port = 80

[[virtual_server]]
ip = "2001:db8::150"
port = 443
protocol = "TCP"
[[virtual_server.real_server]]
ip = "2001:db8::171"
port = 443
"""
    cfg = parse_text(text, "x.toml")
    assert [vs.fwmark for vs in cfg.virtual_servers] == [0, 0, 3, 0]
    assert cfg.virtual_servers[3].af == AF_INET6


@pytest.mark.parametrize(("text", "message"), [
    ("[[virtual_server]]\nport = 80\n", "x.toml: virtual_server[0]: virtual_server needs ip"),
    ("[[virtual_server]]\nip = \"198.18.0.1\"\nport = 80\nlb_kind = \"XX\"\n",
     "x.toml: virtual_server[0].lb_kind: lb_kind: unknown value 'XX'"),
    ("[[virtual_server]]\nip = 1 2\n", "x.toml:2:"),
    ("[[virtual_server]]\nip = \"198.18.0.1\"\n[[virtual_server.real_server]]\nip = \"1.2.3.4\"\n"
     "[[virtual_server.real_server.check]]\nconnect_timeout = 1\n",
     "virtual_server[0].real_server[0].check[0]: a check is a table with a type"),
])
def test_toml_errors(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as info:
        parse_text(text, "x.toml")
    assert message in str(info.value)


def test_examples_in_the_documentation_parse() -> None:
    doc = (pathlib.Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    blocks = doc.split("```")
    tomls = [b[len("toml\n"):] for b in blocks if b.startswith("toml\n")]
    assert len(tomls) == 2
    first = parse_text(tomls[0], "doc.toml")
    assert [rs.weight for rs in first.virtual_servers[0].real_servers] == [3, 1]
    assert [vs.fwmark for vs in parse_text(tomls[1], "doc2.toml").virtual_servers] == [
        0, 0, 0, 7, 1]
    keepalived = next(b for b in blocks if b.lstrip("\n").startswith("global_defs"))
    same = parse_text(keepalived.replace("include conf.d/*.conf", ""), "doc.conf")
    assert same.virtual_servers == first.virtual_servers


def test_quorum_above_the_total_weight_is_reduced_with_a_warning() -> None:
    text = ("virtual_server 198.18.0.150 80 {\n protocol TCP\n quorum 10\n"
            " real_server 198.18.0.171 80 {\n weight 2\n }\n"
            " real_server 198.18.0.172 80 {\n weight 3\n }\n}\n")
    cfg = parse_text(text, "q.conf")
    assert cfg.virtual_servers[0].quorum == 5
    assert cfg.warnings == [
        "q.conf:1: quorum 10 exceeds the total weight of the real servers (5), reduced to 5"]

"""The difference between two configurations as table operations."""

from __future__ import annotations

from pylvs.config import parse_text
from pylvs.config.diff import diff_tables
from pylvs.config.table import build_table
from pylvs.core.ipvs import IPVS
from pylvs.core.views import service_views
from pylvs.ipvsadm.save import format_save

A = """\
virtual_server 198.18.0.150 80 {
    protocol TCP
    lb_algo rr
    lb_kind DR
    real_server 198.18.0.171 80 {
        weight 1
    }
    real_server 198.18.0.172 80 {
        weight 2
    }
}
virtual_server 198.18.0.150 443 {
    protocol TCP
    real_server 198.18.0.171 443 {
    }
}
"""


def _table(text: str) -> dict:  # type: ignore[type-arg]
    return build_table(parse_text(text, "x.conf"))


def _names(ops: list) -> list[tuple[str, str]]:  # type: ignore[type-arg]
    out = []
    for op, args in ops:
        if op in ("add_service", "edit_service", "del_service"):
            out.append((op, f"{args[0].port}"))
        elif op in ("add_dest", "edit_dest"):
            out.append((op, f"{args[0].port}->{args[1].addr[3]}"))
        else:
            out.append((op, f"{args[0].port}->{args[2][3]}"))
    return out


def test_same_configuration_means_no_operation() -> None:
    assert diff_tables(_table(A), _table("# moved lines\n\n" + A)) == []


def test_only_what_changed_is_touched() -> None:
    b = A.replace("lb_algo rr", "lb_algo wrr").replace("weight 2", "weight 5")
    b = b.replace("    real_server 198.18.0.171 80 {\n        weight 1\n    }\n", "")
    b = b.replace("virtual_server 198.18.0.150 443", "virtual_server 198.18.0.150 8443")
    ops = diff_tables(_table(A), _table(b))
    assert _names(ops) == [
        ("del_service", "443"),
        ("edit_service", "80"),
        ("edit_dest", "80->172"),
        ("del_dest", "80->171"),
        ("add_service", "8443"),
        ("add_dest", "8443->171"),
    ]


def test_applying_the_diff_gives_the_new_table() -> None:
    b = A.replace("lb_kind DR", "lb_kind TUN").replace("lb_algo rr", "lb_algo sh\n sh-port")
    ipvs = IPVS()
    for op, args in diff_tables({}, _table(A)) + diff_tables(_table(A), _table(b)):
        getattr(ipvs, op)(*args)
    fresh = IPVS()
    for op, args in diff_tables({}, _table(b)):
        getattr(fresh, op)(*args)
    assert format_save(service_views(ipvs)) == format_save(service_views(fresh))
    assert "-s sh -b sh-port" in format_save(service_views(ipvs))
    assert "-i -w 2 --tun-type ipip" in format_save(service_views(ipvs))

"""keepalived.conf corpus -> the table pylvs programs, against real keepalived 2.2.7.

Each ``tests/golden/keepalived/NAME.conf`` was run by the real keepalived in the oracle
(``make_goldens.py`` there): ``oracle/NAME.start`` is what it programmed before any check
concluded, ``oracle/NAME.down`` what it programmed once every check that cannot succeed
in the VM (all but UDP_CHECK without require_reply and MISC_CHECK of ``exit 0``) failed.
"""

from __future__ import annotations

import pathlib

import pytest

from pylvs.config import CheckerConfig, load_config
from pylvs.config.diff import diff_tables
from pylvs.config.table import (
    RsHealth,
    Table,
    build_table,
    initial_state,
    live_weight,
    quorum_next,
    service_key,
)
from pylvs.core.ipvs import IPVS
from pylvs.core.views import service_views
from pylvs.ipvsadm.save import format_save

GOLDEN = pathlib.Path(__file__).resolve().parents[1] / "golden" / "keepalived"
CONFS = sorted(p.stem for p in GOLDEN.glob("*.conf"))


def _save(table: Table) -> str:
    ipvs = IPVS()
    for op, args in diff_tables({}, table):
        getattr(ipvs, op)(*args)
    return format_save(service_views(ipvs), numeric=True)


def _passes_in_vm(checker: CheckerConfig) -> bool:
    if checker.kind == "UDP_CHECK":
        return not checker.require_reply
    return checker.kind == "MISC_CHECK" and "exit 0" in checker.misc_path


def test_corpus_is_there() -> None:
    assert len(CONFS) >= 10
    for name in CONFS:
        assert (GOLDEN / "oracle" / f"{name}.start").exists(), name
        assert (GOLDEN / "oracle" / f"{name}.down").exists(), name


@pytest.mark.parametrize("name", CONFS)
def test_start_table_matches_keepalived(name: str) -> None:
    config = load_config(str(GOLDEN / f"{name}.conf"))
    expected = (GOLDEN / "oracle" / f"{name}.start").read_text()
    assert _save(build_table(config)) == expected


@pytest.mark.parametrize("name", CONFS)
def test_table_after_failed_checks_matches_keepalived(name: str) -> None:
    config = load_config(str(GOLDEN / f"{name}.conf"))
    health, quorum = initial_state(config)
    for vs in config.virtual_servers:
        key = service_key(vs)
        per_vs = {}
        for rs in vs.real_servers:
            alive = all(_passes_in_vm(c) for c in rs.checkers)
            per_vs[rs.ident()] = RsHealth(alive, rs.weight)
            health[(key, rs.ident())] = per_vs[rs.ident()]
        quorum[key] = quorum_next(vs, quorum[key], live_weight(vs, per_vs))
    expected = (GOLDEN / "oracle" / f"{name}.down").read_text()
    assert _save(build_table(config, health, quorum)) == expected

"""The C structs of bpf/structs.h and their ctypes mirrors agree on every size and offset,
and the generated TCP table is the core's."""

from __future__ import annotations

import ctypes
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from pylvs.core.proto import TCP_TABLES
from pylvs.datapath.xdp import schema
from pylvs.datapath.xdp.build import BPF_DIR, tcp_table_header

STRUCTS = {"flow_key": schema.FlowKey, "flow_value": schema.FlowValue,
           "flow_stats": schema.FlowStats}


def _c_fields(text: str, struct: str) -> list[str]:
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    body = re.search(r"struct " + struct + r" \{(.*?)\n\};", text, re.S)
    assert body is not None, struct
    return re.findall(r"\b(\w+)(?:\[\d+\])?;", body.group(1))


def test_sizes_and_offsets_match(tmp_path: Path) -> None:
    cc = shutil.which("clang")
    if cc is None:
        pytest.skip("clang is not installed")
    text = (BPF_DIR / "structs.h").read_text()
    lines = ['#include <stdio.h>', '#include <stddef.h>', '#include "structs.h"',
             "int main(void) {"]
    for name in STRUCTS:
        lines.append(f'printf("{name} size %zu\\n", sizeof(struct {name}));')
        for f in _c_fields(text, name):
            lines.append(f'printf("{name} {f} %zu\\n", offsetof(struct {name}, {f}));')
    lines += ["return 0;", "}"]
    src = tmp_path / "layout.c"
    src.write_text("\n".join(lines))
    exe = tmp_path / "layout"
    subprocess.run([cc, "-I", str(BPF_DIR), str(src), "-o", str(exe)], check=True)
    got = subprocess.run([str(exe)], capture_output=True, text=True, check=True).stdout.split("\n")
    want = []
    for name, cls in STRUCTS.items():
        want.append(f"{name} size {ctypes.sizeof(cls)}")
        c_names = _c_fields(text, name)
        py_names = [f[0] for f in cls._fields_]
        assert c_names == py_names, f"{name}: C fields {c_names}, Python {py_names}"
        want += [f"{name} {f} {getattr(cls, f).offset}" for f in py_names]
    assert [g for g in got if g] == want


def test_generated_tcp_table_is_the_cores() -> None:
    text = tcp_table_header()
    rows = re.findall(r"\{([\d, ]+)\}", text)
    assert [tuple(int(x) for x in r.split(",")) for r in rows] == \
        [row for table in TCP_TABLES for row in table]


def test_flow_constants_are_the_programs() -> None:
    from pylvs.datapath.xdp.loader import MAX_FLOWS

    text = (BPF_DIR / "constants.h").read_text()
    assert re.search(rf"#define MAX_FLOWS {MAX_FLOWS}\b", text)
    defined = {m[0]: int(m[1], 0) for m in re.findall(r"#define (FLOW_\w+) (0x[0-9a-fA-F]+|\d+)",
                                                       text)}
    mine = {n: getattr(schema, n) for n in dir(schema) if n.startswith("FLOW_")}
    assert defined == mine


def test_packed_bytes_are_the_structures() -> None:
    """key_bytes / value_bytes (the per-packet path) equal the ctypes structures."""
    v6 = bytes(range(16))
    assert schema.key_bytes(10, 6, v6, 40000, v6[::-1], 80) == \
        bytes(schema.flow_key(10, 6, v6, 40000, v6[::-1], 80))
    fields = dict(tcp_table=2, tcp_state=3, daf=10, new_addr=v6, new_port=8080, mtu=70000,
                  tun_saddr=v6[::-1], flags=schema.FLOW_F_OWN_STATE | schema.FLOW_F_OUT)
    packed = schema.value_bytes(4, 9, b"abcdef", b"ghijkl", **fields)
    assert packed == bytes(schema.flow_value(4, 9, b"abcdef", b"ghijkl", **fields))
    assert packed[schema.VALUE_STATE_OFFSET] == 3
    assert (schema.FlowValue.tcp_state.offset, schema.FlowValue.stats_slot.offset) == \
        (schema.VALUE_STATE_OFFSET, schema.VALUE_SLOT_OFFSET)
    assert (schema.KEY_FORMAT.size, schema.VALUE_FORMAT.size, schema.STATS_FORMAT.size) == \
        (ctypes.sizeof(schema.FlowKey), ctypes.sizeof(schema.FlowValue),
         ctypes.sizeof(schema.FlowStats))

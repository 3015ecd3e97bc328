"""A tiny classic-BPF interpreter for tests: runs a socket filter over one frame.

Written from the instruction set in the kernel's Documentation/networking/filter
(classic BPF); only what socket filters need, ancillary loads included.
"""

from __future__ import annotations

from pylvs.datapath.bpf import (
    SKF_AD_OFF,
    SKF_AD_PKTTYPE,
    SKF_AD_VLAN_TAG_PRESENT,
    Insn,
)

_MAX_STEPS = 100_000


class FilterFault(Exception):
    """The program did something the kernel's checker or runtime would refuse."""


def _load(frame: bytes, off: int, size: int) -> int | None:
    if off < 0 or off + size > len(frame):
        return None
    return int.from_bytes(frame[off : off + size], "big")


def run_filter(prog: list[Insn], frame: bytes, pkttype: int = 0, vlan_tag: bool = False) -> int:
    """The program's return value for ``frame`` (0: dropped; out-of-bounds loads return 0)."""
    a = x = 0
    mem = [0] * 16
    pc = 0
    for _ in range(_MAX_STEPS):
        if not 0 <= pc < len(prog):
            raise FilterFault(f"pc {pc} outside the program")
        ins = prog[pc]
        code, k = ins.code, ins.k
        cls = code & 0x07
        size = {0x00: 4, 0x08: 2, 0x10: 1}[code & 0x18]
        mode = code & 0xE0
        if cls == 0x00:  # LD
            if mode == 0x00:
                a = k
            elif mode == 0x20 and k >= SKF_AD_OFF:
                ad = k - SKF_AD_OFF
                if ad == SKF_AD_PKTTYPE:
                    a = pkttype
                elif ad == SKF_AD_VLAN_TAG_PRESENT:
                    a = int(vlan_tag)
                else:
                    raise FilterFault(f"ancillary load {ad} not modelled")
            elif mode in (0x20, 0x40):
                off = k if mode == 0x20 else x + k
                v = _load(frame, off, size)
                if v is None:
                    return 0
                a = v
            elif mode == 0x80:
                a = len(frame)
            elif mode == 0x60:
                a = mem[k]
            else:
                raise FilterFault(f"bad LD mode {mode:#x}")
        elif cls == 0x01:  # LDX
            if mode == 0x00:
                x = k
            elif mode == 0xA0:
                v = _load(frame, k, 1)
                if v is None:
                    return 0
                x = (v & 0x0F) * 4
            elif mode == 0x80:
                x = len(frame)
            elif mode == 0x60:
                x = mem[k]
            else:
                raise FilterFault(f"bad LDX mode {mode:#x}")
        elif cls == 0x02:
            mem[k] = a
        elif cls == 0x03:
            mem[k] = x
        elif cls == 0x05:  # JMP
            op = code & 0xF0
            src = x if code & 0x08 else k
            if op == 0x00:
                pc += 1 + k
                continue
            if op == 0x10:
                taken = a == src
            elif op == 0x20:
                taken = a > src
            elif op == 0x30:
                taken = a >= src
            elif op == 0x40:
                taken = bool(a & src)
            else:
                raise FilterFault(f"bad JMP op {op:#x}")
            pc += 1 + (ins.jt if taken else ins.jf)
            continue
        elif cls == 0x06:  # RET
            return a if code & 0x10 else k
        elif cls == 0x07:  # MISC
            if code & 0xF8 == 0x00:
                x = a
            else:
                a = x
        else:
            raise FilterFault(f"instruction class {cls} not modelled")
        a &= 0xFFFFFFFF
        pc += 1
    raise FilterFault("program did not terminate")

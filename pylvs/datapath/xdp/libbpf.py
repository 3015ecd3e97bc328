"""The few libbpf (Debian libbpf1) calls the fast path needs, through ctypes."""

from __future__ import annotations

import ctypes
import ctypes.util
import os
from typing import Any

BPF_ANY, BPF_NOEXIST, BPF_EXIST = 0, 1, 2
BPF_XDP = 37  # enum bpf_attach_type: an XDP link
XDP_FLAGS_SKB_MODE, XDP_FLAGS_DRV_MODE = 1 << 1, 1 << 2  # generic (skb) / driver mode


class LibbpfError(OSError):
    """A libbpf call failed (errno and the call's name in the message)."""


class TestRunOpts(ctypes.Structure):
    """struct bpf_test_run_opts (libbpf 1.x)."""

    _fields_ = [
        ("sz", ctypes.c_size_t),
        ("data_in", ctypes.c_void_p),
        ("data_out", ctypes.c_void_p),
        ("data_size_in", ctypes.c_uint32),
        ("data_size_out", ctypes.c_uint32),
        ("ctx_in", ctypes.c_void_p),
        ("ctx_out", ctypes.c_void_p),
        ("ctx_size_in", ctypes.c_uint32),
        ("ctx_size_out", ctypes.c_uint32),
        ("retval", ctypes.c_uint32),
        ("repeat", ctypes.c_int),
        ("duration", ctypes.c_uint32),
        ("flags", ctypes.c_uint32),
        ("cpu", ctypes.c_uint32),
        ("batch_size", ctypes.c_uint32),
    ]


class LinkCreateOpts(ctypes.Structure):
    """The head of struct bpf_link_create_opts (libbpf 1.x): ``sz`` covers only ``flags``."""

    _fields_ = [("sz", ctypes.c_size_t), ("flags", ctypes.c_uint32), ("pad", ctypes.c_uint32)]


_lib: Any = None
_VP, _INT, _U32, _CP = ctypes.c_void_p, ctypes.c_int, ctypes.c_uint32, ctypes.c_char_p
_SIGNATURES: dict[str, tuple[Any, list[Any]]] = {
    "bpf_object__open_file": (_VP, [_CP, _VP]),
    "bpf_object__load": (_INT, [_VP]),
    "bpf_object__close": (None, [_VP]),
    "bpf_object__find_program_by_name": (_VP, [_VP, _CP]),
    "bpf_object__find_map_fd_by_name": (_INT, [_VP, _CP]),
    "bpf_program__fd": (_INT, [_VP]),
    "bpf_link_create": (_INT, [_INT, _INT, _INT, ctypes.POINTER(LinkCreateOpts)]),
    "bpf_map_update_elem": (_INT, [_INT, _VP, _VP, ctypes.c_uint64]),
    "bpf_map_lookup_elem": (_INT, [_INT, _VP, _VP]),
    "bpf_map_lookup_and_delete_elem": (_INT, [_INT, _VP, _VP]),
    "bpf_map_lookup_batch": (_INT, [_INT, _VP, _VP, _VP, _VP, ctypes.POINTER(_U32), _VP]),
    "bpf_map_delete_batch": (_INT, [_INT, _VP, ctypes.POINTER(_U32), _VP]),
    "bpf_map_update_batch": (_INT, [_INT, _VP, _VP, ctypes.POINTER(_U32), _VP]),
    "bpf_map_delete_elem": (_INT, [_INT, _VP]),
    "bpf_map_get_next_key": (_INT, [_INT, _VP, _VP]),
    "bpf_obj_pin": (_INT, [_INT, _CP]),
    "bpf_prog_test_run_opts": (_INT, [_INT, ctypes.POINTER(TestRunOpts)]),
    "libbpf_num_possible_cpus": (_INT, []),
}


def lib() -> Any:
    """The loaded libbpf with argument and result types set."""
    global _lib
    if _lib is None:
        name = ctypes.util.find_library("bpf") or "libbpf.so.1"
        try:
            handle = ctypes.CDLL(name, use_errno=True)
        except OSError as exc:
            raise LibbpfError(0, f"cannot load libbpf ({exc}): install the Debian package"
                                 " libbpf1") from exc
        for fn, (res, args) in _SIGNATURES.items():
            f = getattr(handle, fn)
            f.restype, f.argtypes = res, args
        _lib = handle
    return _lib


def check(ret: int, what: str) -> int:
    """``ret`` unless negative; then a :class:`LibbpfError` naming ``what``."""
    if ret < 0:
        err = -ret if ret != -1 else ctypes.get_errno()
        raise LibbpfError(err, f"{what}: {os.strerror(err)}")
    return ret

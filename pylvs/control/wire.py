"""The control protocol's wire format: versioned JSON lines, addresses as text.

A request is one line ``{"v":1,"op":NAME,"args":[...]}``; the reply is one line
``{"ok":true,"result":...}`` or ``{"ok":false,"errno":N,"error":TEXT}``. This
module only converts between Python objects and JSON-ready values; it does no
I/O. Every decoder checks shapes and types strictly and raises
:class:`WireError` (with an errno) on anything unexpected.
"""

from __future__ import annotations

import dataclasses
import errno
import json
import operator
import socket
from collections.abc import Callable
from json.encoder import c_make_encoder, encode_basestring_ascii  # type: ignore[attr-defined]
from typing import Any

from pylvs.core.ipvs import Timeouts
from pylvs.core.model import DestSpec, ServiceKey, ServiceSpec
from pylvs.core.stats import Counters, Rates
from pylvs.core.views import ConnView, DestView, ServiceView

VERSION = 1
MAX_REQUEST_BYTES = 1 << 20  # one request line, newline included

JSON = Any


class WireError(Exception):
    """A request or reply that does not follow the protocol."""

    def __init__(self, err: int, message: str) -> None:
        self.errno = err
        self.message = message
        super().__init__(message)


def _bad(message: str) -> WireError:
    return WireError(errno.EINVAL, f"malformed request: {message}")


# -- scalars -----------------------------------------------------------------


def addr_to_text(addr: bytes) -> str:
    """Packed address -> text ("" for the empty address of fwmark services)."""
    n = len(addr)
    if n == 4:
        return socket.inet_ntop(socket.AF_INET, addr)
    if n == 16:
        return socket.inet_ntop(socket.AF_INET6, addr)
    if not n:
        return ""
    raise WireError(errno.EINVAL, f"address of {n} bytes is neither IPv4 nor IPv6")


def addr_from_text(text: JSON) -> bytes:
    """Text address -> packed bytes; "" is the empty address."""
    if type(text) is not str:
        raise _bad("address is not a string")
    if not text:
        return b""
    try:
        if ":" in text:
            return socket.inet_pton(socket.AF_INET6, text)
        return socket.inet_pton(socket.AF_INET, text)
    except (OSError, ValueError):
        raise _bad(f"invalid address {text!r}") from None


def _int(value: JSON, what: str) -> int:
    if type(value) is not int:
        raise _bad(f"{what} is not an integer")
    return value


# -- dataclasses with address fields ------------------------------------------

_ADDR_FIELDS = frozenset({"addr", "caddr", "vaddr", "daddr"})
_SCALARS = {"int": int, "str": str, "float": float}


def _type_name(t: object) -> str:
    """A field's annotation as a name (a string, or a class when the model is compiled)."""
    return t if isinstance(t, str) else getattr(t, "__name__", "")


class _Codec:
    """Converts one dataclass to and from a JSON array of its fields in declaration order.

    Decoding is strict: exact length, ints are ints (not bools), strings are
    strings, addresses parse. Lists (a service's dests) are left to the caller.
    """

    def __init__(self, cls: Any, what: str, nested: dict[str, _Codec] | None = None) -> None:
        self.cls = cls
        self.what = what
        self.nested = nested or {}
        self.names: list[str] = []
        self.kinds: list[str] = []
        for f in dataclasses.fields(cls):
            if f.name in self.nested:
                kind = "nested"
            elif f.name in _ADDR_FIELDS:
                kind = "addr"
            elif _type_name(f.type) in _SCALARS:
                kind = _type_name(f.type)
            else:
                continue  # lists are handled by the caller
            self.names.append(f.name)
            self.kinds.append(kind)
        self.size = len(self.names)
        self._get = operator.attrgetter(*self.names)
        # the JSON types of a valid array, when they are fixed (no nested, no float)
        self._flat = all(k in ("int", "str", "addr") for k in self.kinds) and self.size > 1
        self._types = tuple(int if k == "int" else str for k in self.kinds)
        self._addr_at = [i for i, k in enumerate(self.kinds) if k == "addr"]
        self._nested_at = [
            (i, self.nested[n]) for i, (n, k) in enumerate(zip(self.names, self.kinds,
                                                               strict=True))
            if k == "nested"
        ]

    def encode(self, obj: Any) -> list[JSON]:
        out: list[JSON] = list(self._get(obj))
        for i in self._addr_at:
            out[i] = addr_to_text(out[i])
        for i, codec in self._nested_at:
            out[i] = codec.encode(out[i])
        return out

    def decode_reply(self, data: JSON, extra: int = 0) -> Any:
        """Lighter decoding for the daemon's own replies: shape and addresses only.

        A reply that does not fit raises WireError (EPROTO) rather than
        building a wrong object.
        """
        if type(data) is not list or len(data) != self.size + extra:
            raise WireError(errno.EPROTO, f"{self.what} in the reply has the wrong shape")
        values = data[: self.size] if extra else list(data)
        try:
            for i in self._addr_at:
                values[i] = addr_from_text(values[i])
            for i, codec in self._nested_at:
                values[i] = codec.decode_reply(values[i])
            return self.cls(*values)
        except (TypeError, WireError) as exc:
            raise WireError(errno.EPROTO, f"{self.what} in the reply is malformed") from exc

    def decode(self, data: JSON, extra: int = 0) -> Any:
        """JSON array -> instance; ``extra`` trailing items are the caller's."""
        if type(data) is not list or len(data) != self.size + extra:
            raise _bad(f"{self.what} is not an array of {self.size + extra} fields")
        if self._flat and tuple(map(type, data)) == self._types:  # the common, valid case
            values = list(data)
            for i in self._addr_at:
                values[i] = addr_from_text(values[i])
            return self.cls(*values)
        values = []
        for name, kind, value in zip(self.names, self.kinds, data, strict=False):
            if kind == "int":
                if type(value) is not int:
                    raise _bad(f"{self.what}.{name} is not an integer")
            elif kind == "addr":
                value = addr_from_text(value)
            elif kind == "str":
                if type(value) is not str:
                    raise _bad(f"{self.what}.{name} is not a string")
            elif kind == "float":
                if type(value) not in (int, float):
                    raise _bad(f"{self.what}.{name} is not a number")
                value = float(value)
            else:
                value = self.nested[name].decode(value)
            values.append(value)
        return self.cls(*values)


_SERVICE = _Codec(ServiceSpec, "service")
_KEY = _Codec(ServiceKey, "service key")
_DEST = _Codec(DestSpec, "destination")
_TIMEOUTS = _Codec(Timeouts, "timeouts")
_COUNTERS = _Codec(Counters, "stats")
_RATES = _Codec(Rates, "rates")
_STATS = {"stats": _COUNTERS, "rates": _RATES}
_DEST_VIEW = _Codec(DestView, "destination view", _STATS)
_SERVICE_VIEW = _Codec(ServiceView, "service view", _STATS)
_CONN_VIEW = _Codec(ConnView, "connection")


def encode_service_spec(spec: ServiceSpec) -> JSON:
    """ServiceSpec -> JSON object."""
    return _SERVICE.encode(spec)


def decode_service_spec(data: JSON) -> ServiceSpec:
    """JSON object -> ServiceSpec."""
    spec: ServiceSpec = _SERVICE.decode(data)
    return spec


def encode_key(key: ServiceKey | None) -> JSON:
    """ServiceKey (or None) -> JSON."""
    return None if key is None else _KEY.encode(key)


def decode_key(data: JSON) -> ServiceKey:
    """JSON object -> ServiceKey."""
    key: ServiceKey = _KEY.decode(data)
    return key


def decode_optional_key(data: JSON) -> ServiceKey | None:
    """JSON null or object -> ServiceKey or None."""
    return None if data is None else decode_key(data)


def encode_dest_spec(spec: DestSpec) -> JSON:
    """DestSpec -> JSON object."""
    return _DEST.encode(spec)


def decode_dest_spec(data: JSON) -> DestSpec:
    """JSON object -> DestSpec."""
    spec: DestSpec = _DEST.decode(data)
    return spec


def encode_timeouts(t: Timeouts) -> JSON:
    """Timeouts -> JSON object."""
    return _TIMEOUTS.encode(t)


def decode_timeouts(data: JSON) -> Timeouts:
    """JSON object -> Timeouts."""
    t: Timeouts = _TIMEOUTS.decode_reply(data)
    return t


def encode_service_view(view: ServiceView) -> JSON:
    """ServiceView (with its dests) -> JSON object."""
    out = _SERVICE_VIEW.encode(view)
    out.append([_encode_dest_view(d) for d in view.dests])
    return out


def _encode_dest_view(d: DestView) -> JSON:
    """``_DEST_VIEW.encode``, written out (a listing encodes one per destination)."""
    s, r = d.stats, d.rates
    return [d.af, addr_to_text(d.addr), d.port, d.fwd_method, d.weight, d.u_threshold,
            d.l_threshold, d.tun_type, d.tun_port, d.tun_flags, d.activeconns, d.inactconns,
            d.persistconns, [s.conns, s.inpkts, s.outpkts, s.inbytes, s.outbytes],
            [r.cps, r.inpps, r.outpps, r.inbps, r.outbps]]


def decode_service_view(data: JSON) -> ServiceView:
    """JSON object -> ServiceView."""
    view: ServiceView = _SERVICE_VIEW.decode_reply(data, extra=1)
    dests = data[-1]
    if type(dests) is not list:
        raise WireError(errno.EPROTO, "service view dests is not a list")
    view.dests = [_decode_dest_view(d) for d in dests]
    return view


_DEST_VIEW_FIELDS = len(dataclasses.fields(DestView))


def _decode_dest_view(data: JSON) -> DestView:
    """``_DEST_VIEW.decode_reply``, written out for the common well-formed case."""
    if type(data) is list and len(data) == _DEST_VIEW_FIELDS:
        stats, rates, addr = data[-2], data[-1], data[1]
        if (type(stats) is list and len(stats) == 5 and type(rates) is list
                and len(rates) == 5 and type(addr) is str and addr):
            try:
                return DestView(data[0], addr_from_text(addr), *data[2:-2],
                                Counters(*stats), Rates(*rates))
            except WireError:
                pass  # let the general decoder say what is wrong
    view: DestView = _DEST_VIEW.decode_reply(data)
    return view


def encode_conn_view(view: ConnView) -> JSON:
    """ConnView -> JSON object."""
    return _CONN_VIEW.encode(view)


def decode_conn_view(data: JSON) -> ConnView:
    """JSON object -> ConnView."""
    view: ConnView = _CONN_VIEW.decode_reply(data)
    return view


# -- operations ----------------------------------------------------------------

Encoder = Callable[[Any], JSON]
Decoder = Callable[[JSON], Any]


def _ident_int(value: Any) -> JSON:
    return value


def _dec_int(value: JSON) -> int:
    return _int(value, "argument")


_KINDS: dict[str, tuple[Encoder, Decoder]] = {
    "service": (encode_service_spec, decode_service_spec),
    "key": (encode_key, decode_key),
    "optkey": (encode_key, decode_optional_key),
    "dest": (encode_dest_spec, decode_dest_spec),
    "int": (_ident_int, _dec_int),
    "addr": (addr_to_text, addr_from_text),
}

# op name -> kinds of its positional arguments
OPS: dict[str, tuple[str, ...]] = {
    "add_service": ("service",),
    "edit_service": ("service",),
    "del_service": ("key",),
    "flush": (),
    "zero": ("optkey",),
    "add_dest": ("key", "dest"),
    "edit_dest": ("key", "dest"),
    "del_dest": ("key", "int", "addr", "int"),
    "set_timeouts": ("int", "int", "int"),
    "get_timeouts": (),
    "get_info": (),
    "list_services": ("optkey",),
    "list_conns": (),
    "status": (),
    "reload": (),
    "health": (),
    "apply": ("calls",),
    "stage": ("calls",),
    "restore": ("calls",),
    "start_daemon": ("opts",),
    "stop_daemon": ("opts",),
    "list_daemons": (),
}

MUTATING_OPS = frozenset(
    {
        "add_service", "edit_service", "del_service", "flush", "zero",
        "add_dest", "edit_dest", "del_dest", "set_timeouts",
    }
)


def encode_args(op: str, args: tuple[Any, ...]) -> list[JSON]:
    """Positional arguments of ``op`` -> JSON list."""
    kinds = OPS.get(op)
    if kinds is None:
        raise WireError(errno.EOPNOTSUPP, f"unknown operation {op!r}")
    if len(args) != len(kinds):
        raise WireError(errno.EINVAL, f"{op} takes {len(kinds)} argument(s), got {len(args)}")
    out: list[JSON] = []
    for kind, value in zip(kinds, args, strict=True):
        if kind == "calls":
            out.append(encode_calls(value))
        elif kind == "opts":
            out.append(dict(value))
        else:
            out.append(_KINDS[kind][0](value))
    return out


def decode_args(op: str, args: JSON) -> tuple[Any, ...]:
    """JSON list -> positional arguments of ``op``."""
    kinds = OPS.get(op)
    if kinds is None:
        raise WireError(errno.EOPNOTSUPP, f"unknown operation {op!r}")
    if not isinstance(args, list):
        raise _bad("args is not a list")
    if len(args) != len(kinds):
        raise _bad(f"{op} takes {len(kinds)} argument(s), got {len(args)}")
    out: list[Any] = []
    for kind, value in zip(kinds, args, strict=True):
        if kind == "calls":
            out.append(decode_calls(value))
        elif kind == "opts":
            if not isinstance(value, dict):
                raise _bad("options are not an object")
            out.append(value)
        else:
            out.append(_KINDS[kind][1](value))
    return tuple(out)


def encode_calls(calls: list[tuple[str, tuple[Any, ...]]]) -> list[JSON]:
    """A batch of (op, args) -> JSON list; only mutating operations may be batched."""
    out: list[JSON] = []
    for op, args in calls:
        if op not in MUTATING_OPS:
            raise WireError(errno.EINVAL, f"{op!r} cannot be part of a batch")
        out.append([op, encode_args(op, tuple(args))])
    return out


def decode_calls(data: JSON) -> list[tuple[str, tuple[Any, ...]]]:
    """JSON list -> a batch of (op, args)."""
    if not isinstance(data, list):
        raise _bad("calls is not a list")
    out: list[tuple[str, tuple[Any, ...]]] = []
    for item in data:
        if not isinstance(item, list) or len(item) != 2 or not isinstance(item[0], str):
            raise _bad("a call is not [op, args]")
        op = item[0]
        args = item[1]
        if op == "add_dest" and type(args) is list and len(args) == 2:
            # decode_args for ("key", "dest"), the bulk of a restore, written out
            out.append((op, (_KEY.decode(args[0]), _DEST.decode(args[1]))))
            continue
        if op not in MUTATING_OPS:
            raise _bad(f"{op!r} cannot be part of a batch")
        out.append((op, decode_args(op, args)))
    return out


# -- lines ---------------------------------------------------------------------


_ENCODER = json.JSONEncoder(separators=(",", ":"))
# JSONEncoder.encode builds this C encoder anew for every value; one made once writes
# the same text (without the circular-reference check: values here are trees)
_C_ENCODE = None if c_make_encoder is None else c_make_encoder(
    None, _ENCODER.default, encode_basestring_ascii, None, ":", ",", False, False, True)


def dumps(value: JSON) -> str:
    """Compact JSON text."""
    if _C_ENCODE is None:
        return _ENCODER.encode(value)
    return "".join(_C_ENCODE(value, 0))


def encode_request(op: str, args: tuple[Any, ...]) -> bytes:
    """One request line (newline-terminated)."""
    msg = {"v": VERSION, "op": op, "args": encode_args(op, args)}
    return dumps(msg).encode() + b"\n"


def decode_request(line: bytes) -> tuple[str, tuple[Any, ...]]:
    """One request line -> (op, args); WireError on anything malformed."""
    if len(line) > MAX_REQUEST_BYTES:
        raise WireError(errno.EMSGSIZE, f"request larger than {MAX_REQUEST_BYTES} bytes")
    try:
        msg = json.loads(line)
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise _bad(f"not JSON ({exc.__class__.__name__})") from None
    if not isinstance(msg, dict):
        raise _bad("not a JSON object")
    if msg.get("v") != VERSION:
        raise WireError(
            errno.EPROTONOSUPPORT, f"protocol version {msg.get('v')!r} not supported"
        )
    op = msg.get("op")
    if not isinstance(op, str):
        raise _bad("op is not a string")
    if set(msg) - {"v", "op", "args"}:
        raise _bad("unknown top-level field")
    return op, decode_args(op, msg.get("args", []))


def encode_ok(result: JSON) -> bytes:
    """A success reply line."""
    return dumps({"ok": True, "result": result}).encode() + b"\n"


def encode_error(err: int, message: str) -> bytes:
    """An error reply line."""
    reply = {"ok": False, "errno": err, "error": message}
    return dumps(reply).encode() + b"\n"


def decode_reply(line: bytes) -> tuple[bool, JSON, int, str]:
    """A reply line -> (ok, result, errno, error message)."""
    try:
        msg = json.loads(line)
    except (ValueError, UnicodeDecodeError):
        raise WireError(errno.EPROTO, "daemon sent a malformed reply") from None
    if not isinstance(msg, dict) or not isinstance(msg.get("ok"), bool):
        raise WireError(errno.EPROTO, "daemon sent a malformed reply")
    if msg["ok"]:
        return True, msg.get("result"), 0, ""
    err = msg.get("errno")
    text = msg.get("error")
    if type(err) is not int or not isinstance(text, str):
        raise WireError(errno.EPROTO, "daemon sent a malformed error reply")
    return False, None, err, text

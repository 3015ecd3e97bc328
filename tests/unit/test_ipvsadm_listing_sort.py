"""The listing order taken by key sort is the one ipvsadm's qsort comparators give."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from pylvs.core.constants import AF_INET, AF_INET6
from pylvs.core.stats import Counters, Rates
from pylvs.core.views import DestView, ServiceView
from pylvs.ipvsadm.listing import _cmp_dests, _cmp_services, c_qsort, sort_services

v4 = st.one_of(
    st.binary(min_size=4, max_size=4),
    st.sampled_from([b"\x00\x00\x00\x01", b"\x7f\xff\xff\xff", b"\x80\x00\x00\x00",
                     b"\xff\xff\xff\xff", b"\xc6\x12\x00\x01"]),
)
v6 = st.one_of(
    st.binary(min_size=16, max_size=16),
    st.sampled_from([bytes(15) + b"\x01", b"\x80" + bytes(15), b"\x20\x01\x0d\xb8" + bytes(12)]),
)
port = st.sampled_from([0, 1, 80, 443, 8080, 65535])


def dest(af: int, addr: bytes, p: int) -> DestView:
    return DestView(af, addr, p, 2, 1, 0, 0, 0, 0, 0, 0, 0, 0, Counters(), Rates())


@st.composite
def service(draw: st.DrawFn, families: list[int]) -> ServiceView:
    af = draw(st.sampled_from(families))
    addr_st = v6 if af == AF_INET6 else v4
    mark = draw(st.sampled_from([0, 0, 0, 1, 7, 0x7FFFFFFF, 0x80000000, 0xFFFFFFFF]))
    addr = b"" if mark else draw(addr_st)
    dests = [dest(af, a, p) for a, p in draw(st.lists(st.tuples(addr_st, port), max_size=6))]
    return ServiceView(af, 0 if mark else draw(st.sampled_from([6, 17])), addr,
                       0 if mark else draw(port), mark, "rr", 0, 0, 0, "", Counters(),
                       Rates(), dests)


def qsort_order(services: list[ServiceView]) -> list[tuple[int, list[int]]]:
    """(input index of each service, input indexes of its dests) in the qsort order."""
    ordered = c_qsort(list(services), _cmp_services)
    out = []
    for svc in ordered:
        ds = c_qsort(svc.dests, _cmp_dests)
        i = next(i for i, s in enumerate(services) if s is svc)
        out.append((i, [next(j for j, d in enumerate(svc.dests) if d is x) for x in ds]))
    return out


def order_of(services: list[ServiceView], views: list[ServiceView]) -> list[
        tuple[int, list[int]]]:
    """The same for sorted copies (a copy keeps its service's stats object and dests)."""
    out = []
    for view in views:
        i = next(i for i, s in enumerate(services) if s.stats is view.stats)
        svc = services[i]
        out.append((i, [next(j for j, d in enumerate(svc.dests) if d is x)
                        for x in view.dests]))
    return out


@settings(max_examples=300, deadline=None)
@given(st.sampled_from([[AF_INET], [AF_INET6], [AF_INET, AF_INET6]]).flatmap(
    lambda fams: st.lists(service(fams), max_size=12)))
def test_sort_services_is_the_qsort_order(services: list[ServiceView]) -> None:
    assert order_of(services, sort_services(services)) == qsort_order(services)


def test_addresses_across_the_int32_wrap_keep_ipvsadm_order() -> None:
    # 1.0.0.0, 129.0.0.1 and 200.0.0.0 differ by 2^31 or more: qsort's quirky order stays
    addrs = [b"\xc8\x00\x00\x00", b"\x01\x00\x00\x00", b"\x81\x00\x00\x01"]
    services = [ServiceView(AF_INET, 6, a, 80, 0, "rr", 0, 0, 0, "", Counters(), Rates(), [])
                for a in addrs]
    assert [s.addr for s in sort_services(services)] == [
        s.addr for s in c_qsort(services, _cmp_services)]

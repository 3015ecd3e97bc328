"""The lab's addressing for every method: IPv4 and IPv6, only in the test/documentation ranges."""

from __future__ import annotations

import ipaddress

import pytest

from pylvs.lab.topology import NAT_GATEWAY, NAT_GATEWAY6, VIP, VIP6, build

pytestmark = pytest.mark.lab

BENCH = ipaddress.ip_network("198.18.0.0/15")
DOC6 = ipaddress.ip_network("2001:db8::/32")


@pytest.mark.parametrize("mode", ["dr", "tun", "nat"])
def test_every_host_has_both_families_in_the_allowed_ranges(mode: str) -> None:
    topo = build("p-", mode, 3)
    seen: set[ipaddress.IPv4Address | ipaddress.IPv6Address] = set()
    for host in topo.hosts:
        assert ipaddress.ip_address(host.address).version == 4
        assert ipaddress.ip_address(host.address6).version == 6
        for link in host.links:
            for text in link.addresses:
                iface = ipaddress.ip_interface(text)
                assert iface.ip in (BENCH if iface.version == 4 else DOC6), text
                assert iface.ip not in seen or iface.ip in (
                    ipaddress.ip_address(VIP), ipaddress.ip_address(VIP6)), text
                seen.add(iface.ip)
        own = {ipaddress.ip_interface(a).ip for link in host.links for a in link.addresses}
        assert {ipaddress.ip_address(host.address), ipaddress.ip_address(host.address6)} <= own


@pytest.mark.parametrize("mode", ["dr", "tun", "nat"])
def test_the_director_holds_both_vips_and_nat_real_servers_route_through_it(mode: str) -> None:
    topo = build("p-", mode, 2)
    director = topo.host("director")
    eth0 = director.links[0]
    assert (eth0.ifname, f"{VIP}/32", f"{VIP6}/128") == (
        "eth0", *[a for a in eth0.addresses if a.startswith((VIP + "/", VIP6 + "/"))])
    if mode == "nat":
        assert [link.ifname for link in director.links] == ["eth0", "eth1"]
        assert topo.segments == ("br0", "br1")
        for rs in topo.real_servers:
            assert (rs.gateway, rs.gateway6) == (NAT_GATEWAY, NAT_GATEWAY6)
            assert rs.address.startswith("198.19.0.") and rs.address6.startswith("2001:db8:1::")
            assert rs.links[0].segment == "br1"
    else:
        assert len(director.links) == 1 and topo.segments == ("br0",)
        for rs in topo.real_servers:
            assert rs.gateway is None and rs.gateway6 is None
            assert rs.links[0].segment == "br0"

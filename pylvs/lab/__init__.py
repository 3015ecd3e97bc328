"""The seed's LVS cluster built from network namespaces on one machine (``pylvs lab``).

``--mode dr|tun`` puts every host on one segment; ``--mode nat`` puts the real servers on a
second one behind the director. Every host has an IPv4 and an IPv6 address
(:mod:`pylvs.lab.topology`); each real server runs nginx (ports 80 and 8080) and the UDP
echo server / TCP byte counter of :mod:`pylvs.lab.echo` (ports 9000 and 9090).
"""

"""Real-server side of LVS-DR and LVS-TUN: the VIP on ``lo``, ARP suppression, tunnel
decapsulation (kernel ipip/ip6tnl devices or a tc BPF program), and a readiness check."""

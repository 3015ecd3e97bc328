"""Real-server side of LVS-DR: the VIP on ``lo``, ARP suppression, and a readiness check."""

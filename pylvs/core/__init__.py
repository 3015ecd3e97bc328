"""Pure IPVS semantics: services, destinations, schedulers, connections, stats.

Nothing in this package performs I/O, reads a clock or draws random numbers of
its own: time (``now``, in seconds) and randomness are passed in.
"""

"""Health checks of real servers (keepalived's checkers) and what their results change.

One module per checker behind :class:`~pylvs.health.base.Checker`; the
:class:`~pylvs.health.manager.HealthManager` runs them concurrently on the event loop
and reports table changes through the applier the daemon passes in.
"""

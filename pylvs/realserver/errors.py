"""The one error type of the real-server tools."""

from __future__ import annotations


class RealServerError(Exception):
    """A real-server operation could not be done; the message says why in plain words."""

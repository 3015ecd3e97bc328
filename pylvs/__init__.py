"""pylvs: Linux Virtual Server in Python."""

from pylvs import compiled as _compiled

__version__ = "0.1.0"

_compiled.guard()

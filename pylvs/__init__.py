"""pylvs: Linux Virtual Server in Python."""

__version__ = "0.1.0"

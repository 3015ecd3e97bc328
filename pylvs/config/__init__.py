"""Declarative configuration: keepalived.conf and TOML files -> the table pylvsd should hold.

Parsing is pure apart from reading the files named (``include``); the result is a
:class:`~pylvs.config.model.Config`, which :mod:`pylvs.config.table` turns into the
services and destinations to program and :mod:`pylvs.config.diff` into the operations
that move a running table from one configuration to the next.
"""

from pylvs.config.errors import ConfigError
from pylvs.config.load import load_config, parse_text
from pylvs.config.model import CheckerConfig, Config, RealServer, UrlCheck, VirtualServer

__all__ = [
    "CheckerConfig",
    "Config",
    "ConfigError",
    "RealServer",
    "UrlCheck",
    "VirtualServer",
    "load_config",
    "parse_text",
]

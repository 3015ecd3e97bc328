"""Reading a configuration file in either syntax."""

from __future__ import annotations

from pylvs.config.build import build_config
from pylvs.config.errors import ConfigError
from pylvs.config.keepalived_syntax import ReadFile, parse_keepalived, read_text_file
from pylvs.config.model import Config
from pylvs.config.toml_syntax import parse_toml


def detect_format(path: str, text: str) -> str:
    """``toml`` for ``*.toml`` files, else ``keepalived``."""
    return "toml" if path.endswith(".toml") else "keepalived"


def parse_text(
    text: str, file: str = "<config>", fmt: str | None = None, read: ReadFile = read_text_file
) -> Config:
    """Parse configuration ``text`` (``fmt`` 'keepalived' or 'toml'; guessed from ``file``)."""
    fmt = fmt or detect_format(file, text)
    if fmt == "toml":
        nodes = parse_toml(text, file)
    elif fmt == "keepalived":
        nodes = parse_keepalived(text, file, read)
    else:
        raise ConfigError(f"unknown configuration format {fmt!r}", file)
    config = build_config(nodes)
    config.files = [file]
    return config


def load_config(path: str, fmt: str | None = None) -> Config:
    """Read and parse the configuration file at ``path``."""
    try:
        text = read_text_file(path)
    except OSError as exc:
        raise ConfigError(f"cannot read: {exc.strerror or exc}", path) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(f"not UTF-8 text: {exc.reason}", path) from None
    return parse_text(text, path, fmt)

"""The one error a configuration file can raise, naming file, line and column."""

from __future__ import annotations


class ConfigError(Exception):
    """A configuration file is invalid; ``str()`` is ``FILE:LINE:COL: message``."""

    def __init__(self, message: str, file: str = "<config>", line: int = 0, col: int = 0) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.col = col
        super().__init__(self.location() + message)

    def location(self) -> str:
        """``FILE:LINE:COL: `` (line and column left out when unknown)."""
        if self.line <= 0:
            return f"{self.file}: "
        if self.col <= 0:
            return f"{self.file}:{self.line}: "
        return f"{self.file}:{self.line}:{self.col}: "

"""Pure packet parsing and rewriting: bytes in, bytes out, no I/O."""

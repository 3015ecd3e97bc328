"""Command-line front ends: ``pylvs-ipvsadm`` and ``pylvs``."""

"""The ipvsadm command language: parsing, messages, listings, save and restore formats."""

from pylvs.ipvsadm.command import Command, parse_command
from pylvs.ipvsadm.legality import UsageError
from pylvs.ipvsadm.rules import RulesError, parse_rules
from pylvs.ipvsadm.save import format_save

__all__ = ["Command", "RulesError", "UsageError", "format_save", "parse_command", "parse_rules"]

"""Moved to plans.importers.parser.units; this name stays importable for older code."""
import sys

from .parser import units as _moved

sys.modules[__name__] = _moved

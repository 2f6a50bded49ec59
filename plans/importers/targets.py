"""Moved to plans.importers.parser.targets; this name stays importable for older code."""
import sys

from .parser import targets as _moved

sys.modules[__name__] = _moved

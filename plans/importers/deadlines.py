"""Moved to plans.importers.parser.deadlines; this name stays importable for older code."""
import sys

from .parser import deadlines as _moved

sys.modules[__name__] = _moved

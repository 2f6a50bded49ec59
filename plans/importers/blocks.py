"""The intermediate form every reader yields: a flat list of blocks."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Paragraph:
    text: str
    loc: str  # "第12行" / "第12段"
    kind: str = "para"


@dataclass
class Table:
    """Rows of cell texts, merges already resolved.

    A vertically merged continuation cell is given as "" and flagged in
    ``vmerged`` (row, col) so the parser can tell "empty" from "same as above";
    a horizontally merged cell is repeated in each grid column it spans.
    """

    rows: list[list[str]]
    loc: str  # "表1"
    vmerged: set = field(default_factory=set)
    kind: str = "table"
    # True when the source says which cells are merged (.docx / .xlsx); a plain
    # text export cannot, so there an empty cell continues the cell above.
    has_merge_info: bool = False

    def row_loc(self, i: int) -> str:
        return f"{self.loc}第{i + 1}行"

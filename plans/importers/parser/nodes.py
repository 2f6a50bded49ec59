"""The item tree as the parser builds it, before it becomes the gold-shaped dict."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from difflib import SequenceMatcher


@dataclass
class Node:
    label: str | None
    style: str | None
    first: str
    loc: str
    body: list = field(default_factory=list)
    children: list = field(default_factory=list)
    from_table: bool = False
    t_lead: list | None = None
    t_co: list | None = None
    t_deadline: str | None = None
    t_target: str | None = None  # an indicator table's 目标值 (with its 基数), as a phrase
    merged_table: bool = False
    src: list = field(default_factory=list)  # the paragraphs / table rows as printed, for the review page
    # computed
    title: str = ""
    lead: list = field(default_factory=list)
    co: list = field(default_factory=list)
    own_units: bool = False
    deadline: dict | None = None
    ongoing: bool = False
    recurring: list = field(default_factory=list)
    targets: list = field(default_factory=list)
    actionable: bool = False

    def text(self) -> str:
        return "\n".join([self.first] + self.body)

    def add_source(self, text: str):
        if text and text not in self.src:
            self.src.append(text)


class TreeBuilder:
    """Levels follow the document's own nesting: a style seen before closes the
    deeper levels; a new style opens a level under the current item."""

    def __init__(self):
        self.roots: list[Node] = []
        self.stack: list[Node] = []

    def add(self, node: Node):
        for i, n in enumerate(self.stack):
            if n.style == node.style:
                del self.stack[i:]
                break
        parent = self.stack[-1] if self.stack else None
        (parent.children if parent else self.roots).append(node)
        self.stack.append(node)

    def add_unlabelled(self, node: Node):
        parent = self.stack[-1] if self.stack else None
        (parent.children if parent else self.roots).append(node)

    @property
    def current(self) -> Node | None:
        return self.stack[-1] if self.stack else None


def _norm(s: str) -> str:
    return re.sub(r"[\s“”\"'‘’《》、，,。．.;；:：()（）]", "", s or "")


def _sim(a: str, b: str) -> float:
    a, b = _norm(a)[:40], _norm(b)[:40]
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b).ratio()



def _short(s: str, n: int = 18) -> str:
    s = s.split("。")[0]
    return s if len(s) <= n else s[:n] + "…"


def _warn(code: str, message: str, path) -> dict:
    return {"code": code, "message": message, "label_path": " > ".join(p for p in path if p) if path else None}


# --------------------------------------------------------------------------- finalize
def _title(first: str) -> str:
    t = first.split("\n")[0].split("。")[0]
    t = re.sub(r"[（(〔][^（）()〔〕]*(?:牵头|负责|责任单位|配合单位)[^（）()〔〕]*[）)〕]\s*$", "", t)
    return t.strip(" \u3000\t").rstrip("；;，,：:")



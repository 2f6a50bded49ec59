"""Score a compilation's articles against a gold article list (``kind: compilation``).

Titles are compared after the scorer's normalisation (NFKC, punctuation and spaces dropped); an
untitled fragment (title None) is matched by its first line. Returns precision and recall of the
titles (as a multiset: a title printed twice counts twice), the article counts, and the share of
matched articles whose ``first_line`` agrees with the gold.
"""
from __future__ import annotations

import re
import unicodedata
from collections import Counter


def _norm(s) -> str:
    s = unicodedata.normalize("NFKC", s or "")
    return re.sub(r"[\s“”\"'‘’《》〈〉「」、，,。．.;；:：()（）]", "", s)


def score_compilation(gold: dict, pred: dict) -> dict:
    g = [(_norm(a.get("title")) or f"@{a.get('first_line')}", a.get("first_line")) for a in gold["articles"]]
    p = [(_norm(a.get("title")) or f"@{a.get('first_line')}", a.get("first_line")) for a in pred["articles"]]
    gc, pc = Counter(k for k, _ in g), Counter(k for k, _ in p)
    hits = sum((gc & pc).values())
    gold_lines = {(k, ln) for k, ln in g}
    line_ok = sum(1 for k, ln in p if (k, ln) in gold_lines)
    return {
        "gold_articles": len(g), "pred_articles": len(p),
        "title_precision": hits / len(p) if p else 0.0,
        "title_recall": hits / len(g) if g else 0.0,
        "first_line_agreement": line_ok / hits if hits else 0.0,
    }

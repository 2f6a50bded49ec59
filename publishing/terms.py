"""Ranking tokens of measures, computed once and kept in MeasureTerms (see there)."""
from __future__ import annotations

import hashlib
import re

from .models import MeasureTerms
from .ranking import tokens

# The responsibility clause at the end of a measure (（市发展改革委牵头，各县区人民政府按职责分工负责）)
# names units, not the subject: it would match articles that happen to name the same bureaus.
UNITS_CLAUSE = re.compile(r"[（(][^（）()]{0,200}(?:牵头|负责|责任单位|配合单位|落实)[^（）()]{0,200}[）)]")
VERSION = "2"  # bump when tokens() or the cleaning changes: cached rows are then recomputed


def _digest(title: str, text: str) -> str:
    return hashlib.blake2b(f"{VERSION}\x00{title}\x00{text}".encode(), digest_size=16).hexdigest()


def _body_text(title: str, text: str) -> str:
    body = text if text and text.strip() != (title or "").strip() else ""
    return UNITS_CLAUSE.sub("", body)


def measure_terms(measures) -> dict[int, tuple[list[str], list[str]]]:
    """{measure id: (title tokens, text tokens)} for Measure objects (with title and text loaded);
    missing or stale cache rows are computed and stored."""
    measures = list(measures)
    cached = {t.measure_id: t for t in MeasureTerms.objects.filter(measure_id__in=[m.pk for m in measures])}
    out: dict[int, tuple[list[str], list[str]]] = {}
    new, stale = [], []
    for m in measures:
        d = _digest(m.title, m.text)
        row = cached.get(m.pk)
        if row is not None and row.digest == d:
            out[m.pk] = (row.title_tokens.split(), row.text_tokens.split())
            continue
        tt, bt = tokens(m.title), tokens(_body_text(m.title, m.text))
        out[m.pk] = (tt, bt)
        fresh = MeasureTerms(measure_id=m.pk, digest=d, title_tokens=" ".join(tt), text_tokens=" ".join(bt))
        (stale if row is not None else new).append(fresh)
    if new:
        MeasureTerms.objects.bulk_create(new, batch_size=500, ignore_conflicts=True)
    if stale:
        MeasureTerms.objects.bulk_update(stale, ["digest", "title_tokens", "text_tokens"], batch_size=500)
    return out

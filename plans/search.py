"""Chinese search over measures, progress reports and units: one search box, ranked, highlighted.

Chinese has no spaces, so the database cannot find words by itself. We segment with jieba once, at
write time, and store the result in `Measure.search_text` as space-separated terms:

    jieba search-mode words of the title (twice, so the title weighs more) and of the text,
    every CJK character bigram, and every CJK character.

The bigrams and characters make recall independent of how jieba happened to cut a word: jieba keeps
`网办率` as one (HMM-guessed) word, so a measure about `网办发生率` has no `网办率` term; the query
`网办率` therefore matches either the word itself or all of its characters, and ranks by how many of
its words, bigrams and characters a measure contains (`网办` counts, `办率` does not).

Back ends:
- PostgreSQL: `to_tsvector('simple', search_text)` stored in the generated column `search_tsv`
  with a GIN index (migrations plans/0005, 0006); the filter and the ranking are tsqueries; ts_rank plus a bonus for the literal query in
  the title or text orders the matches in SQL; only the page of results is read.
- SQLite (the embedded default, small data): a LIKE filter (every character of the query must be
  present in search_text), ranked in Python over at most `SQLITE_CANDIDATES` candidates. This is a
  fallback for demo-sized data, not for a province.

Progress reports are segmented the same way when they are written (`segment_report`, in
ProgressReport.save) into their own `search_text` / `search_tsv` (tasks/0004).

`reindex_measures(qs)` is the hook the importer (and `manage.py reindex_search`) calls after writing
measures; search also indexes, lazily, measures it finds with empty search_text.
"""
from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Case, IntegerField, Q, QuerySet, Value, When
from django.db.models.expressions import RawSQL
from django.utils.safestring import SafeString, mark_safe

from .models import Measure
from .segmentation import get_tokenizer

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[\w%.]+")  # what survives as a term: words, numbers, 90%
_TSQUERY_UNSAFE = re.compile(r"[^\w%.]")
SQLITE_CANDIDATES = 2000
SNIPPET_CHARS = 90
REPORT_WINDOW = 150_000

def tokenizer():
    """jieba, loaded once per process and shared with the importer."""
    return get_tokenizer()


def _words(text: str) -> list[str]:
    out = []
    for w in tokenizer().cut_for_search(text):
        w = w.strip().lower()
        if w and _WORD.fullmatch(w):
            out.append(w)
    return out


def _grams(text: str) -> list[str]:
    grams: list[str] = []
    for run in _CJK_RUN.findall(text):
        grams.extend(run)
        grams.extend(run[i:i + 2] for i in range(len(run) - 1))
    return grams


def segment(title: str, text: str = "") -> str:
    """The stored search text of a measure (see the module docstring)."""
    title_words = _words(title)
    body = text if text and text.strip() != title.strip() else ""
    terms = title_words + title_words + _words(body)
    # bigrams and characters once each: they make recall, words make rank
    terms.extend(dict.fromkeys(_grams(title + "\n" + body)))
    return " ".join(terms)


def segment_report(done_text: str, problems_text: str = "") -> str:
    """The stored search text of a progress report: both texts, weighted alike."""
    return segment("", f"{done_text}\n{problems_text}".strip())


def reindex_measures(qs: QuerySet | None = None, *, batch_size: int = 1000) -> int:
    """Recompute Measure.search_text for the measures in qs (all by default). Returns how many."""
    qs = Measure.objects.all() if qs is None else qs
    done, batch = 0, []
    for m in qs.only("id", "title", "text").order_by().iterator(chunk_size=batch_size):
        m.search_text = segment(m.title, m.text)
        batch.append(m)
        if len(batch) >= batch_size:
            Measure.objects.bulk_update(batch, ["search_text"])
            done, batch = done + len(batch), []
    if batch:
        Measure.objects.bulk_update(batch, ["search_text"])
        done += len(batch)
    return done


# --- queries ------------------------------------------------------------------------------

@dataclass
class ParsedQuery:
    raw: str
    tokens: list[str]            # jieba words of the query
    grams: list[str] = field(default_factory=list)  # its bigrams and characters (rank only)

    @property
    def chars(self) -> list[str]:
        return list(dict.fromkeys(c for c in self.raw if _CJK.match(c)))


def parse_query(q: str) -> ParsedQuery:
    q = " ".join(q.split())[:100]
    tokens = list(dict.fromkeys(t for t in (w.strip().lower() for w in tokenizer().cut(q)) if t and _WORD.fullmatch(t)))
    return ParsedQuery(raw=q, tokens=tokens, grams=list(dict.fromkeys(_grams(q))))


def _lex(term: str) -> str:
    return "'" + _TSQUERY_UNSAFE.sub("", term) + "'"


def filter_tsquery(pq: ParsedQuery) -> str:
    """Every query word must match. One- and two-character words are always in the index as
    characters and bigrams, so they match exactly where the text contains them. A longer word may
    have been cut differently in context (or guessed by jieba's HMM, like 网办率), so it also
    matches as two adjacent pieces split anywhere: 网办率 = 网办率 | 网 & 办率 | 网办 & 率."""
    parts = []
    for t in pq.tokens:
        cjk = all(_CJK.match(c) for c in t)
        if cjk and len(t) > 2:
            alts = [_lex(t)] + [f"({_lex(t[:i])} & {_lex(t[i:])})" for i in range(1, len(t))
                                if len(t[:i]) <= 2 and len(t[i:]) <= 2]
            if len(alts) == 1:  # 5+ characters: bigrams chained
                alts.append("(" + " & ".join(_lex(t[i:i + 2]) for i in range(0, len(t) - 1)) + ")")
            parts.append("(" + " | ".join(alts) + ")")
        else:
            parts.append(_lex(t))
    return " & ".join(parts)


def rank_tsquery(pq: ParsedQuery) -> str:
    return " | ".join(_lex(t) for t in dict.fromkeys(pq.tokens + pq.grams))


@dataclass
class Hit:
    measure: object
    snippet: SafeString
    score: float


def _is_postgres() -> bool:
    return connection.vendor == "postgresql"


def _index_missing(qs: QuerySet) -> None:
    """Index measures written without search_text (e.g. by a path that forgot the hook)."""
    ids = list(qs.filter(search_text="").values_list("id", flat=True)[:SQLITE_CANDIDATES])
    if ids:
        reindex_measures(Measure.objects.filter(id__in=ids))


def _full_text(qs: QuerySet, vector: str, pq: ParsedQuery) -> QuerySet:
    """PostgreSQL: the rows of qs whose stored tsvector column `vector` matches every query word,
    annotated with `rank` (ts_rank over the query's words, bigrams and characters)."""
    from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVectorField

    # The column exists on PostgreSQL only (added by a migration), so it is not a model field and
    # is named in SQL; the match and the rank are django.contrib.postgres.search's.
    tsv = RawSQL(vector, [], output_field=SearchVectorField())
    return (qs.alias(search_vector=tsv)
            .filter(search_vector=SearchQuery(filter_tsquery(pq), search_type="raw", config="simple"))
            .annotate(rank=SearchRank(tsv, SearchQuery(rank_tsquery(pq), search_type="raw", config="simple"))))


def search_measures(qs: QuerySet, q: str, *, limit: int = 20, offset: int = 0) -> list[Hit]:
    """Rank the measures of qs (already scoped with visible_to) against q; best first."""
    pq = parse_query(q)
    if not pq.tokens:
        return []
    _index_missing(qs)
    if _is_postgres():
        rows = list(
            _full_text(qs, '"plans_measure"."search_tsv"', pq)  # plans/0006
            .annotate(
                exact=Case(When(title__contains=pq.raw, then=Value(2)), When(text__contains=pq.raw, then=Value(1)),
                           default=Value(0), output_field=IntegerField()),
            )
            .select_related("plan")
            .order_by("-exact", "-rank", "id")[offset:offset + limit]
        )
        return [Hit(m, highlight(m.title + "：" + m.text if m.text != m.title else m.title, pq), m.exact + m.rank)
                for m in rows]
    candidates = list(qs.filter(_sqlite_terms(pq)).select_related("plan")
                      .only("id", "title", "text", "label", "plan__title", "plan__region_id",
                            "deadline", "search_text")[:SQLITE_CANDIDATES])
    scored = []
    for m in candidates:
        terms = set(m.search_text.split())
        s = sum(2 for t in pq.tokens if t in terms) + sum(1 for g in pq.grams if g in terms)
        s = s / (1 + len(pq.tokens) * 2 + len(pq.grams))
        s += 2 if pq.raw in m.title else 1 if pq.raw in m.text else 0
        scored.append((s, m))
    scored.sort(key=lambda p: (-p[0], p[1].id))
    return [Hit(m, highlight(m.title + "：" + m.text if m.text != m.title else m.title, pq), s)
            for s, m in scored[offset:offset + limit]]


def search_units(qs: QuerySet, q: str, *, limit: int = 10) -> list:
    q = q.strip()
    if not q:
        return []
    return list(qs.filter(Q(name__contains=q) | Q(aliases__alias__contains=q)).select_related("region")
                .distinct().order_by("name")[:limit])


def search_reports(qs: QuerySet, q: str, *, limit: int = 10, offset: int = 0) -> list:
    """Progress reports of qs (already scoped) matching q, through their segmented search_text:
    on PostgreSQL full-text search ranked like measures (literal matches first), newest first among
    equals; on SQLite every query word (or all its characters) must be in search_text, newest first,
    over the newest REPORT_WINDOW reports."""
    pq = parse_query(q)
    if not pq.tokens:
        return []
    qs = qs.select_related("task__measure", "task__unit")
    if _is_postgres():
        rows = list(
            _full_text(qs, '"tasks_progressreport"."search_tsv"', pq)  # tasks/0004
            .annotate(
                exact=Case(When(done_text__contains=pq.raw, then=Value(1)),
                           When(problems_text__contains=pq.raw, then=Value(1)),
                           default=Value(0), output_field=IntegerField()))
            .order_by("-exact", "-rank", "-id")[offset:offset + limit])
    else:
        newest = qs.model.objects.order_by("-id").values_list("id", flat=True).first() or 0
        rows = list(qs.filter(_sqlite_terms(pq), id__gt=newest - REPORT_WINDOW).order_by("-id")[offset:offset + limit])
    for r in rows:
        r.snippet = highlight(r.done_text + (" " + r.problems_text if r.problems_text else ""), pq)
    return rows


def _sqlite_terms(pq: ParsedQuery) -> Q:
    """Every query word in search_text: a long CJK word as all of its characters (jieba may have cut
    it differently in the text), a short one as itself."""
    cond = Q()
    for t in pq.tokens:
        if all(_CJK.match(c) for c in t) and len(t) > 2:
            cond &= Q(*[Q(search_text__contains=c) for c in t])
        elif _CJK.search(t):
            cond &= Q(search_text__contains=t)
        else:
            cond &= Q(search_text__icontains=t)
    return cond


# --- snippets -----------------------------------------------------------------------------

def highlight(text: str, pq: ParsedQuery, width: int = SNIPPET_CHARS) -> SafeString:
    """An escaped excerpt around the best place of the query, matches in <mark>."""
    text = " ".join(text.split())
    needles = [pq.raw] + sorted(pq.tokens, key=len, reverse=True)
    start = -1
    for n in needles:
        if n and (start := text.lower().find(n.lower())) >= 0:
            break
    if start < 0:
        # the characters matched apart: centre on the densest bigram
        start = next((i for g in pq.grams if len(g) == 2 and (i := text.find(g)) >= 0), 0)
    lo = max(0, start - width // 3)
    excerpt = text[lo:lo + width]
    marks = [n for n in dict.fromkeys(needles + [g for g in pq.grams if len(g) == 2]) if n]
    pattern = re.compile("|".join(re.escape(m) for m in sorted(marks, key=len, reverse=True)), re.IGNORECASE)
    out, pos = [], 0
    for m in pattern.finditer(excerpt):
        out.append(html.escape(excerpt[pos:m.start()]))
        out.append("<mark>" + html.escape(m.group(0)) + "</mark>")
        pos = m.end()
    out.append(html.escape(excerpt[pos:]))
    prefix = "…" if lo > 0 else ""
    suffix = "…" if lo + width < len(text) else ""
    return mark_safe(prefix + "".join(out) + suffix)  # noqa: S308 — every piece escaped above


__all__ = ["segment", "segment_report", "reindex_measures", "search_measures", "search_units", "search_reports", "highlight",
           "parse_query", "tokenizer"]

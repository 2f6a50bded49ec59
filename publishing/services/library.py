"""Use cases of the case library: import a compilation, add an article, find related articles."""
from __future__ import annotations

import datetime as dt
import hashlib
import threading
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Max

from audit.services import audit
from plans.importers import ImportRefused, parse_document

from ..models import Article, Compilation
from ..ranking import BM25, snippet, tokens
from ..terms import measure_terms


class LibraryImportError(Exception):
    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class CompilationImportResult:
    compilation: Compilation
    created: bool
    articles: int


def _date(value: str | None) -> dt.date | None:
    """An ISO date of the compilation's tree; None when absent or malformed (the date is optional)."""
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


@transaction.atomic
def compilation_import(*, tree: dict, source_name: str, source_bytes: bytes, actor=None) -> CompilationImportResult:
    """Store a parsed compilation (``kind: compilation``) all-or-nothing. The same file again changes
    nothing (matched by its hash)."""
    if tree.get("kind") != "compilation":
        raise LibraryImportError("该文件不是材料汇编（没有识别出“目录”和篇目），未导入任何内容。")
    if not tree.get("articles"):
        raise LibraryImportError("汇编中没有识别出文章，未导入任何内容。")
    sha = hashlib.sha256(source_bytes).hexdigest()
    existing = Compilation.objects.filter(source_sha256=sha).first()
    if existing is not None:
        return CompilationImportResult(existing, created=False, articles=existing.articles.count())
    comp = Compilation(title=(tree.get("title") or "")[:300], source_name=source_name[:255], source_sha256=sha,
                       imported_by=actor)
    comp.full_clean()
    comp.save()
    for i, a in enumerate(tree["articles"]):
        art = Article(compilation=comp, order=i, title=(a.get("title") or "")[:300], place=(a.get("place") or "")[:100],
                      source=(a.get("source") or "")[:200], published_on=_date(a.get("published_on")),
                      body=a.get("body") or "", first_line=a.get("first_line"))
        try:
            art.full_clean(exclude=["compilation"])
        except ValidationError as exc:
            raise LibraryImportError(f"第 {i + 1} 篇（{a.get('loc') or ''}）无法导入：{'；'.join(exc.messages)}。"
                                     "未导入任何内容。") from exc
        art.save()
    audit(actor=actor, action="compilation_import", obj=comp,
          after={"source": source_name, "sha256": sha, "articles": len(tree["articles"])})
    return CompilationImportResult(comp, created=True, articles=len(tree["articles"]))


def compilation_import_file(*, data: bytes, filename: str, actor=None) -> CompilationImportResult:
    """Parse an uploaded file with the importer and store it as a compilation."""
    try:
        tree = parse_document(data, filename)
    except ImportRefused as exc:
        raise LibraryImportError(exc.message) from exc
    return compilation_import(tree=tree, source_name=filename, source_bytes=data, actor=actor)


@transaction.atomic
def article_save(*, article: Article, actor=None) -> Article:
    """Add or edit an article by hand (Django admin)."""
    created = article.pk is None
    article.full_clean()
    article.save()
    audit(actor=actor, action="article_create" if created else "article_update", obj=article,
          after={"title": article.title, "place": article.place})
    return article


# --- ranking --------------------------------------------------------------------------------

@dataclass
class RelatedArticle:
    article: Article
    score: float
    terms: list[str]
    snippet: str  # HTML, terms marked


class LibraryIndex:
    """The BM25 index of the whole library, rebuilt when the library changes (count, newest edit)."""

    def __init__(self, ids: list[int], docs: list[list[str]]):
        self.ids = ids
        self.bm25 = BM25(docs)

    _cached: tuple | None = None
    _lock = threading.Lock()

    @classmethod
    def current(cls) -> LibraryIndex:
        key = tuple(Article.objects.aggregate(n=Count("id"), m=Max("updated_at"), i=Max("id")).values())
        with cls._lock:
            if cls._cached is None or cls._cached[0] != key:
                rows = list(Article.objects.order_by("id").values_list("id", "search_tokens"))
                cls._cached = (key, cls([i for i, _ in rows], [t.split() for _, t in rows]))
            return cls._cached[1]


def related_articles(measure, k: int = 3, *, index: LibraryIndex | None = None) -> list[RelatedArticle]:
    """The k articles of the library most relevant to `measure`, each with a snippet of why."""
    return related_articles_bulk([measure], k, index=index)[measure.pk]


def related_articles_bulk(measures, k: int = 3, *, index: LibraryIndex | None = None
                          ) -> dict[int, list[RelatedArticle]]:
    """{measure id: its top-k articles} for many measures: one token lookup, one article query."""
    measures = list(measures)
    index = index or LibraryIndex.current()
    terms = measure_terms(measures)
    hits = {m.pk: index.bm25.search(terms[m.pk][0] * 2 + terms[m.pk][1], k) for m in measures}
    articles = Article.objects.in_bulk({index.ids[h.index] for hs in hits.values() for h in hs})
    out: dict[int, list[RelatedArticle]] = {}
    for m in measures:
        rows = []
        for h in hits[m.pk]:
            art = articles.get(index.ids[h.index])
            if art is not None:
                top = h.terms[:6]
                rows.append(RelatedArticle(art, round(h.score, 2), top, snippet(art.title + "。" + art.body, top)))
        out[m.pk] = rows
    return out


def library_search(query: str):
    """Articles ranked for a search box query (BM25 over the same index); empty query: all, in order."""
    q = tokens(query)
    if not query.strip():
        return [(a, None) for a in Article.objects.all()]
    if not q:  # only stopwords or single characters: fall back to a substring match
        return [(a, None) for a in Article.objects.filter(body__icontains=query.strip()[:50])]
    index = LibraryIndex.current()
    hits = index.bm25.search(q, 500)
    arts = Article.objects.in_bulk([index.ids[h.index] for h in hits])
    return [(arts[index.ids[h.index]], snippet(arts[index.ids[h.index]].body, h.terms[:6]))
            for h in hits if index.ids[h.index] in arts]

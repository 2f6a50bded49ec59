"""Ranking text against text without an outside service: jieba tokens and BM25.

Used for the case library (which articles are most relevant to a measure) and for carry-over
(which earlier measures a new one continues). Pure Python, no database.

Why not the `rank-bm25` package: its `get_scores` walks every document for every query term in
Python (no inverted index) and needs numpy; 300 measures against 500 articles would spend seconds
there. The inverted index below touches only the documents that share a term with the query.
"""
from __future__ import annotations

import heapq
import html
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

from plans.segmentation import get_tokenizer

_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]{2,}|[a-z0-9][a-z0-9.%]*")
# Words every business-environment text uses: they say nothing about what a measure is about.
STOPWORDS = frozenset("""
优化 营商 环境 营商环境 持续 进一步 推进 推动 加强 加快 提升 提高 深化 全面 深入 积极 不断 切实 扎实 着力
强化 完善 健全 落实 实现 开展 建立 做好 工作 相关 有关 部门 单位 各类 各项 措施 举措 服务 水平 能力 机制
体系 力度 质量 效率 发展 高质量 企业 市场主体 经营主体 群众 我们 以来 今年 目前 同时 通过 围绕 聚焦 坚持
按照 结合 依托 根据 其中 以及 及时 有效 主动 大力 重点 专项 重要 方面 情况 问题 相关 负责 牵头 配合 责任
年底 年底前 完成 长期 坚持 以上 以下 不少 左右 达到 万元 亿元 个人 一批 一是 二是 三是 四是 五是 下一步
区委 区政府 市委 市政府 省委 省政府 全区 全市 全省 全县 本区 本市 我区 我市 我省 我县 XX xx 实施 方案 工作 组织
""".split())


def tokenizer():
    return get_tokenizer()


def tokens(text: str) -> list[str]:
    """jieba words of `text` worth ranking on: two or more CJK characters or a word/number,
    without the stopwords of the genre."""
    out = []
    # HMM off: twice as fast, and no guessed "new words" that differ between two wordings of a measure
    for w in tokenizer().cut(text or "", HMM=False):
        w = w.strip().lower()
        if w and w not in STOPWORDS and _WORD.fullmatch(w):
            out.append(w)
    return out


def article_tokens(title: str, body: str) -> list[str]:
    """The title counts twice: it says what the article is about."""
    t = tokens(title)
    return t + t + tokens(body)


@dataclass
class Hit:
    index: int
    score: float
    terms: list[str]  # query terms the document contains, best first


MAX_QUERY_TERMS = 20


class BM25:
    """Okapi BM25 over an inverted index. `docs` are token lists; `search` returns the best k.

    Each posting stores the document's whole BM25 weight for the term (idf and length norm folded
    in at build time), so a search only adds numbers."""

    def __init__(self, docs: list[list[str]], *, k1: float = 1.5, b: float = 0.75):
        self.n = len(docs)
        lengths = [len(d) for d in docs]
        avgdl = (sum(lengths) / self.n) if self.n else 1.0
        counts = [Counter(d) for d in docs]
        df: Counter = Counter()
        for c in counts:
            df.update(c.keys())
        self.idf = idf = {t: math.log(1 + (self.n - f + 0.5) / (f + 0.5)) for t, f in df.items()}
        self.postings: dict[str, list[tuple[int, float]]] = defaultdict(list)
        self.weights: list[dict[str, float]] = []  # per document, to say which terms matched
        for i, c in enumerate(counts):
            norm = k1 * (1 - b + b * lengths[i] / (avgdl or 1.0))
            w = {term: idf[term] * tf * (k1 + 1) / (tf + norm) for term, tf in c.items()}
            self.weights.append(w)
            for term, x in w.items():
                self.postings[term].append((i, x))

    def search(self, query: list[str], k: int = 3, *, min_score: float = 0.0,
               max_terms: int = MAX_QUERY_TERMS) -> list[Hit]:
        # Like Lucene's "more like this", a long query (a measure's whole text) keeps only its
        # max_terms most distinctive terms (query tf x idf): the common ones add little to the
        # ranking and have the longest postings.
        counts = [(t, q) for t, q in Counter(query).items() if t in self.idf]
        counts = heapq.nlargest(max_terms, counts, key=lambda tq: (1 + math.log(tq[1])) * self.idf[tq[0]])
        scores: dict[int, float] = defaultdict(float)
        for term, qtf in counts:
            boost = 1 + math.log(qtf)
            for i, w in self.postings[term]:
                scores[i] += w * boost
        best = heapq.nlargest(k, scores.items(), key=lambda kv: (kv[1], -kv[0]))
        out = []
        for i, s in best:
            if s <= min_score:
                continue
            w = self.weights[i]
            out.append(Hit(i, s, sorted((t for t in set(query) if t in w), key=lambda t: -w[t])))
        return out


def _occurrences(text: str, terms: list[str]) -> list[tuple[int, int, str]]:
    """(start, end, term) of every occurrence of the terms in text, left to right, longest first at
    a position, not overlapping."""
    low = text.lower()
    spots = []
    for t in sorted(set(terms), key=len, reverse=True):
        i = low.find(t)
        while i >= 0:
            spots.append((i, i + len(t), t))
            i = low.find(t, i + len(t))
    spots.sort(key=lambda s: (s[0], -s[1]))
    out, end = [], -1
    for s in spots:
        if s[0] >= end:
            out.append(s)
            end = s[1]
    return out


def snippet(text: str, terms: list[str], *, width: int = 70) -> str:
    """HTML: the stretch of `text` with most of `terms`, the terms marked (<mark>), escaped."""
    text = " ".join((text or "").split())
    found = _occurrences(text, [t.lower() for t in terms if t]) if text else []
    if not found:
        return html.escape(text[:width]) + ("…" if len(text) > width else "")
    # the window start that covers the most distinct terms (two pointers over the occurrences)
    best, best_n, lo, seen = found[0][0], 0, 0, Counter()
    for pos, _end, term in found:
        seen[term] += 1
        while found[lo][0] < pos - width:
            seen[found[lo][2]] -= 1
            if not seen[found[lo][2]]:
                del seen[found[lo][2]]
            lo += 1
        if len(seen) > best_n:
            best, best_n = found[lo][0], len(seen)
    start = max(0, best - 12)
    stop = start + width
    out, pos = [], start
    for a, b, _t in found:  # escape the text between the marks, never the marks
        if a < start or b > stop:
            continue
        out.append(html.escape(text[pos:a]) + f"<mark>{html.escape(text[a:b])}</mark>")
        pos = b
    out.append(html.escape(text[pos:stop]))
    return ("…" if start else "") + "".join(out) + ("…" if stop < len(text) else "")

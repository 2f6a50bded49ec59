"""Ranking text against text without an outside service: jieba tokens and BM25.

Used for the case library (which articles are most relevant to a measure) and for carry-over
(which earlier measures a new one continues). Pure Python, no database.

Why not the `rank-bm25` package: its `get_scores` walks every document for every query term in
Python (no inverted index) and needs numpy; 300 measures against 500 articles would spend seconds
there. The inverted index below touches only the documents that share a term with the query.
"""
from __future__ import annotations

import html
import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass

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
    from plans.segmentation import get_tokenizer

    return get_tokenizer()


def tokens(text: str) -> list[str]:
    """jieba words of `text` worth ranking on: two or more CJK characters or a word/number,
    without the stopwords of the genre."""
    out = []
    for w in tokenizer().cut(text or ""):
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


class BM25:
    """Okapi BM25 over an inverted index. `docs` are token lists; `search` returns the best k."""

    def __init__(self, docs: list[list[str]], *, k1: float = 1.5, b: float = 0.75):
        self.k1, self.b = k1, b
        self.n = len(docs)
        self.lengths = [len(d) for d in docs]
        self.avgdl = (sum(self.lengths) / self.n) if self.n else 0.0
        self.postings: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for i, d in enumerate(docs):
            for term, tf in Counter(d).items():
                self.postings[term].append((i, tf))
        self.idf = {t: math.log(1 + (self.n - len(p) + 0.5) / (len(p) + 0.5)) for t, p in self.postings.items()}

    def search(self, query: list[str], k: int = 3, *, min_score: float = 0.0) -> list[Hit]:
        scores: dict[int, float] = defaultdict(float)
        matched: dict[int, list[tuple[float, str]]] = defaultdict(list)
        k1, b, avgdl = self.k1, self.b, self.avgdl or 1.0
        for term, qtf in Counter(query).items():
            plist = self.postings.get(term)
            if not plist:
                continue
            idf = self.idf[term]
            for i, tf in plist:
                s = idf * tf * (k1 + 1) / (tf + k1 * (1 - b + b * self.lengths[i] / avgdl))
                scores[i] += s * (1 + math.log(qtf))
                matched[i].append((s, term))
        best = sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [Hit(i, s, [t for _, t in sorted(matched[i], reverse=True)]) for i, s in best if s > min_score]


def snippet(text: str, terms: list[str], *, width: int = 70) -> str:
    """HTML: the stretch of `text` with most of `terms`, the terms marked (<mark>), escaped."""
    text = " ".join((text or "").split())
    terms = [t for t in terms if t]
    if not text:
        return ""
    if not terms:
        return html.escape(text[:width]) + ("…" if len(text) > width else "")
    pattern = re.compile("|".join(re.escape(t) for t in sorted(set(terms), key=len, reverse=True)), re.I)
    spots = [m.start() for m in pattern.finditer(text)]
    if not spots:
        return html.escape(text[:width]) + ("…" if len(text) > width else "")
    # the window start that covers the most distinct term occurrences
    best, best_n = spots[0], 0
    for s in spots:
        n = len({text[m.start():m.end()] for m in pattern.finditer(text, s, s + width)})
        if n > best_n:
            best, best_n = s, n
    start = max(0, best - 12)
    piece = text[start:start + width]
    out, pos = [], 0
    for m in pattern.finditer(piece):  # escape the text between the marks, never the marks
        out.append(html.escape(piece[pos:m.start()]) + f"<mark>{html.escape(m.group(0))}</mark>")
        pos = m.end()
    out.append(html.escape(piece[pos:]))
    out = "".join(out)
    return ("…" if start else "") + out + ("…" if start + width < len(text) else "")

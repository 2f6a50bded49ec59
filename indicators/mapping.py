"""The national indicator of a measure: one primary and up to two secondary of the 18 一级指标 of the
national 营商环境评价 (or 其他), suggested from the measure's words by a keyword model.

The model is data, not code: a JSON file (``indicators/data/keywords.json`` by default; the setting
``INDICATOR_KEYWORDS_PATH`` may point to a copy outside the code, e.g. under /etc or var/) that an
admin edits; it is re-read when its modification time changes, so an edit takes effect on the next
parse without a deploy or restart. A file rather than a table because the parser runs without a
database (``parse_plan --json``), and a file can be reviewed and versioned like the plans themselves.

Pure functions apart from reading that file; no database.
"""
from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from plans.choices import NationalIndicator

DEFAULT_PATH = Path(__file__).resolve().parent / "data" / "keywords.json"
OTHER = NationalIndicator.OTHER.value
NAMES = frozenset(NationalIndicator.values)  # 其他 may have keywords too (政企沟通, 招商引资 …)


@dataclass(frozen=True)
class KeywordModel:
    keywords: dict[str, dict[str, float]]
    title_weight: float = 3.0
    max_hits: int = 2
    min_score: float = 3.0
    secondary_ratio: float = 0.5

    @classmethod
    def from_dict(cls, data: dict, where: str = "") -> KeywordModel:
        try:
            inds = data["indicators"]
            unknown = set(inds) - NAMES
            if unknown:
                raise ValueError("未知指标：" + "、".join(sorted(unknown)))
            keywords = {name: {str(k): float(w) for k, w in words.items()} for name, words in inds.items()}
            return cls(keywords, float(data.get("title_weight", 3)), int(data.get("max_hits", 2)),
                       float(data.get("min_score", 3)), float(data.get("secondary_ratio", 0.5)))
        except (KeyError, TypeError, ValueError, AttributeError) as exc:
            raise ImproperlyConfigured(f"指标关键词文件 {where} 格式有误：{exc}") from exc

    def scores(self, title: str, text: str = "") -> dict[str, float]:
        title = title or ""
        body = text or ""
        if body.startswith(title):  # the text usually repeats the heading
            body = body[len(title):]
        out: dict[str, float] = {}
        for name, words in self.keywords.items():
            s = 0.0
            for word, weight in words.items():
                if word in title:
                    s += weight * self.title_weight
                n = body.count(word)
                if n:
                    s += weight * min(n, self.max_hits)
            if s:
                out[name] = s
        return out

    def suggest(self, title: str, text: str = "") -> dict:
        ranked = sorted(self.scores(title, text).items(), key=lambda kv: (-kv[1], kv[0]))
        if not ranked or ranked[0][1] < self.min_score:
            return {"primary": OTHER, "secondary": []}
        top = ranked[0][1]
        secondary = [n for n, s in ranked[1:]
                     if n != OTHER and s >= max(self.min_score, top * self.secondary_ratio)][:2]
        return {"primary": ranked[0][0], "secondary": secondary}


_cache: dict[str, tuple[float, KeywordModel]] = {}
_lock = threading.Lock()


def model_path() -> Path:
    return Path(getattr(settings, "INDICATOR_KEYWORDS_PATH", None) or DEFAULT_PATH)


def keyword_model() -> KeywordModel:
    """The current model, re-read when the file changes."""
    path = model_path()
    try:
        mtime = os.stat(path).st_mtime_ns
    except OSError as exc:
        raise ImproperlyConfigured(f"找不到指标关键词文件：{path}") from exc
    key = str(path)
    with _lock:
        hit = _cache.get(key)
        if hit is None or hit[0] != mtime:
            with open(path, encoding="utf-8") as fh:
                try:
                    data = json.load(fh)
                except json.JSONDecodeError as exc:
                    raise ImproperlyConfigured(f"指标关键词文件 {path} 不是有效的 JSON：{exc}") from exc
            hit = (mtime, KeywordModel.from_dict(data, str(path)))
            _cache[key] = hit
        return hit[1]


def suggest(title: str, text: str = "") -> dict:
    """{"primary": "开办企业", "secondary": ["政务服务"]}"""
    return keyword_model().suggest(title, text)


def annotate_tree(tree: dict) -> None:
    """Add ``"indicator"`` to every actionable item of a parsed plan tree (an importer enricher)."""
    if tree.get("kind") == "compilation":
        return
    model = keyword_model()

    def walk(items):
        for it in items or []:
            if it.get("actionable"):
                it["indicator"] = model.suggest(it.get("title") or "", it.get("text") or "")
            walk(it.get("children"))

    walk(tree.get("items"))

"""Item numbering: 一、 （一） (一) 1. 1、 1． （1） (1) ① 第一条 …"""
from __future__ import annotations

import re

_CN = "一二三四五六七八九十百零〇两"

# (style, regex); group "label" is the number as printed (without trailing 、 or .)
_PATTERNS = [
    ("zhang", re.compile(r"^(?P<label>第[" + _CN + r"\d]+章)[\s、.．:：]*")),
    ("jie", re.compile(r"^(?P<label>第[" + _CN + r"\d]+节)[\s、.．:：]*")),
    ("bufen", re.compile(r"^(?P<label>第[" + _CN + r"\d]+部分)[\s、.．:：]*")),
    ("tiao", re.compile(r"^(?P<label>第[" + _CN + r"\d]+条)[\s、.．:：]*")),
    ("paren_cn", re.compile(r"^(?P<label>[（(][" + _CN + r"]{1,4}[）)])[、.．\s]*")),
    ("paren_ar", re.compile(r"^(?P<label>[（(]\s*[0-9０-９]{1,4}\s*[）)])[、.．\s]*")),
    ("circled", re.compile(r"^(?P<label>[\u2460-\u2473\u3251-\u325f])[、.．\s]*")),
    ("paren_glyph", re.compile(r"^(?P<label>[\u2474-\u2487])[、.．\s]*")),  # ⑴ ⑵ …
    ("dot_glyph", re.compile(r"^(?P<label>[\u2488-\u249b])\s*")),  # ⒈ ⒉ …
    ("paren_cn_glyph", re.compile(r"^(?P<label>[\u3220-\u3229])[、.．\s]*")),  # ㈠ ㈡ …
    ("cn", re.compile(r"^(?P<label>[" + _CN + r"]{1,4})[、.．]\s*")),
    ("ar_dotted", re.compile(r"^(?P<label>[0-9]{1,2}(?:\.[0-9]{1,2}){1,3})(?![0-9%％])[、.．\s]*")),
    ("ar", re.compile(r"^(?P<label>[0-9０-９]{1,3})(?:[、．]|\.(?![0-9]))\s*")),
    ("ar_half", re.compile(r"^(?P<label>[0-9０-９]{1,3}[)）])\s*")),
]


def match_label(text: str):
    """Return (style, label, rest) or None."""
    t = text.lstrip(" \u3000\t")
    for style, rx in _PATTERNS:
        m = rx.match(t)
        if m:
            rest = t[m.end():].strip()
            if not rest:
                return None
            if style == "cn" and m.group("label") in ("十", "百") and len(rest) < 2:
                return None
            label = m.group("label").strip()
            if style == "ar_dotted":
                style = f"ar_dotted{label.count('.')}"  # 1.1 and 1.1.1 are different depths
                if re.match(r"^[%％年月日万亿元个项]", rest):
                    return None
            return style, label, rest
    return None


def label_key(label: str | None) -> str:
    """Normalised label for comparing a narrative item with a table row."""
    if not label:
        return ""
    s = label.translate(str.maketrans("（）０１２３４５６７８９", "()0123456789"))
    return re.sub(r"\s+", "", s)

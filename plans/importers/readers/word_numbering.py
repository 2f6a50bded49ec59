"""Word automatic numbering (w:numPr + numbering.xml): the label Word shows, rebuilt.

A list typed with Word's numbering button keeps no label in the text (document.xml holds
only a numId and a level); the parser needs the label (一、 （一） 1.) to build the tree,
so the counter is replayed paragraph by paragraph, as Word does.
"""
from __future__ import annotations

import re

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def fmt_number(n: int, fmt: str) -> str:
    if fmt in ("decimal", "decimalZero"):
        return str(n) if fmt == "decimal" else f"{n:02d}"
    if fmt.startswith("chinese") or fmt in ("ideographDigital", "japaneseCounting", "taiwaneseCounting",
                                           "taiwaneseCountingThousand", "koreanCounting"):
        try:
            import cn2an

            return cn2an.an2cn(n)
        except Exception:  # noqa: BLE001
            return str(n)
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese"):
        return chr(0x2460 + n - 1) if 1 <= n <= 20 else str(n)
    if fmt == "decimalFullWidth":
        return "".join(chr(ord(c) + 0xFEE0) for c in str(n))
    if fmt == "decimalEnclosedParen":
        return f"({n})"
    if fmt == "lowerLetter":
        return chr(ord("a") + (n - 1) % 26)
    if fmt == "upperLetter":
        return chr(ord("A") + (n - 1) % 26)
    if fmt in ("lowerRoman", "upperRoman"):
        vals = [(10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i")]
        s, k = "", n
        for v, r in vals:
            while k >= v:
                s += r
                k -= v
        return s if fmt == "lowerRoman" else s.upper()
    if fmt == "ideographTraditional":
        return "甲乙丙丁戊己庚辛壬癸"[(n - 1) % 10]
    return str(n)


class Numbering:
    """Word automatic numbering (w:numPr) rendered to label text."""

    def __init__(self, numbering_xml: bytes | None, styles_xml: bytes | None):
        from defusedxml.ElementTree import fromstring

        self.abstract: dict[str, dict[int, dict]] = {}
        self.nums: dict[str, str] = {}
        self.overrides: dict[str, dict[int, int]] = {}
        self.style_num: dict[str, tuple[str, int]] = {}
        self.counters: dict[str, dict[int, int]] = {}
        if numbering_xml:
            root = fromstring(numbering_xml)
            for an in root.iter(W + "abstractNum"):
                aid = an.get(W + "abstractNumId")
                levels = {}
                for lvl in an.iter(W + "lvl"):
                    il = int(lvl.get(W + "ilvl", "0"))
                    fmt = lvl.find(W + "numFmt")
                    txt = lvl.find(W + "lvlText")
                    start = lvl.find(W + "start")
                    restart = lvl.find(W + "lvlRestart")
                    levels[il] = {
                        "restart": int(restart.get(W + "val")) if restart is not None else None,
                        "fmt": fmt.get(W + "val") if fmt is not None else "decimal",
                        "text": txt.get(W + "val") if txt is not None else f"%{il + 1}.",
                        "start": int(start.get(W + "val")) if start is not None else 1,
                    }
                self.abstract[aid] = levels
            for num in root.iter(W + "num"):
                nid = num.get(W + "numId")
                a = num.find(W + "abstractNumId")
                if a is not None:
                    self.nums[nid] = a.get(W + "val")
                ov = {}
                for o in num.iter(W + "lvlOverride"):
                    so = o.find(W + "startOverride")
                    if so is not None:
                        ov[int(o.get(W + "ilvl", "0"))] = int(so.get(W + "val"))
                self.overrides[nid] = ov
        if styles_xml:
            root = fromstring(styles_xml)
            for st in root.iter(W + "style"):
                npr = st.find(f"{W}pPr/{W}numPr")
                if npr is not None:
                    nid = npr.find(W + "numId")
                    il = npr.find(W + "ilvl")
                    if nid is not None:
                        self.style_num[st.get(W + "styleId")] = (
                            nid.get(W + "val"), int(il.get(W + "val")) if il is not None else 0)

    def label_for(self, p) -> str:
        npr = p.find(f"{W}pPr/{W}numPr")
        nid = il = None
        if npr is not None:
            n = npr.find(W + "numId")
            i = npr.find(W + "ilvl")
            nid = n.get(W + "val") if n is not None else None
            il = int(i.get(W + "val")) if i is not None else None
        if nid is None:  # the list comes from the paragraph style (the level may be set on the paragraph)
            ps = p.find(f"{W}pPr/{W}pStyle")
            if ps is not None and ps.get(W + "val") in self.style_num:
                nid, style_il = self.style_num[ps.get(W + "val")]
                il = style_il if il is None else il
        il = il or 0
        if not nid or nid == "0" or nid not in self.nums:
            return ""
        levels = self.abstract.get(self.nums[nid], {})
        lv = levels.get(il)
        if not lv or lv["fmt"] in ("bullet", "none"):
            return ""
        cnt = self.counters.setdefault(nid, {})
        start = self.overrides.get(nid, {}).get(il, lv["start"])
        cnt[il] = cnt.get(il, start - 1) + 1
        for deeper in [k for k in cnt if k > il]:
            rs = levels.get(deeper, {}).get("restart")
            if rs is None or (rs != 0 and il < rs):  # w:lvlRestart 0 = never restart
                del cnt[deeper]

        def sub(m):
            k = int(m.group(1)) - 1
            lvk = levels.get(k, {"fmt": "decimal", "start": 1})
            val = cnt.get(k, self.overrides.get(nid, {}).get(k, lvk["start"]))
            return fmt_number(val, lvk["fmt"])

        label = re.sub(r"%(\d)", sub, lv["text"])
        if label and label[-1].isalnum():
            # Word shows "1<tab>text" for a level text of bare "%1"; the tab is layout, not text, and
            # "1推进" would no longer read as a label: a full stop keeps the number a number.
            label += "．"
        return label


"""Unit names: how they end, how names run together are split, what is not part of a name."""
from __future__ import annotations

import re

from ...segmentation import get_tokenizer as _shared_tokenizer
from ...unitnames import UNIT_PREFIXES, UNIT_SUFFIXES

_SUFFIX_RE = re.compile("(?:" + "|".join(sorted(map(re.escape, UNIT_SUFFIXES), key=len, reverse=True)) + ")$")

_ROLE_TAIL = re.compile(
    r"(?:按照?职责分工(?:负责|落实|配合)?|按职责(?:负责|分工)?|分别负责|共同负责|负责落实|具体负责|具体落实|具体实施|"
    r"组织实施|抓好落实|协同配合|协助|分工负责|负责|配合|参与|落实|牵头实施|实施)$"
)

def get_tokenizer():
    """The process-wide jieba tokenizer (plans.segmentation), with unit-name suffixes added."""
    return _shared_tokenizer()


def looks_like_unit(name: str) -> bool:
    return bool(name) and len(name) >= 2 and bool(_SUFFIX_RE.search(name))


def _clean(name: str) -> str:
    name = name.strip(" \t\r\n　,，、;；:：.。")
    name = re.sub(r"^(?:由|请|各有关单位[:：]?)", "", name)
    name = re.sub(r"等$", "", name)
    return name.strip()


def split_run(name: str, known: frozenset = frozenset()) -> list[str]:
    """Split names run together without a separator (市自然资源局甘州分局区发改局)."""
    if len(name) < 6 or name in known:
        return [name]
    # 1) known units, longest first
    if known:
        out, i = [], 0
        cands = sorted((k for k in known if k and k in name), key=len, reverse=True)
        if cands:
            pos = []
            taken = [False] * len(name)
            for k in cands:
                start = 0
                while True:
                    j = name.find(k, start)
                    if j < 0:
                        break
                    if not any(taken[j:j + len(k)]):
                        pos.append((j, k))
                        for t in range(j, j + len(k)):
                            taken[t] = True
                    start = j + 1
            if all(taken):
                return [k for _, k in sorted(pos)]
    # 2) the unit-name grammar, cut only at jieba token boundaries
    bounds = set()
    acc = 0
    for tok in get_tokenizer().lcut(name, HMM=False):
        acc += len(tok)
        bounds.add(acc)
    out, start = [], 0
    for i in range(2, len(name) - 2):
        if i not in bounds or i - start < 3:
            continue
        left, right = name[start:i], name[i:]
        if looks_like_unit(left) and right.startswith(UNIT_PREFIXES) and looks_like_unit(right):
            # the right part must itself be a plausible unit up to some later boundary
            out.append(left)
            start = i
    out.append(name[start:])
    return [o for o in out if o]


_GENERIC = re.compile(r"^(?:有关|相关|其他|其它)?(?:政府|部门|单位|机关|成员单位|责任单位)$")


def split_units(text: str, known: frozenset = frozenset()) -> list[str]:
    """A list of unit names from one phrase such as 区政数局及各驻厅部门."""
    text = re.sub(r"\s*[（(\u3008](?:牵头|主责)[）)\u3009]\s*", "", text)
    pieces = expand_elliptic([p.strip() for p in re.split(r"[、，,；;／/\n]+", text) if p.strip()])
    merged: list[str] = []
    for p in pieces:
        p = _clean(p)
        if not p:
            continue
        if merged and p not in known and (len(p) < 3 or not (looks_like_unit(p) or p.startswith(UNIT_PREFIXES))):
            merged[-1] = merged[-1] + "、" + p  # 各乡镇、街道
        else:
            merged.append(p)
    out: list[str] = []
    for p in merged:
        # X及Y / X以及Y / X等Y / X和Y (only when X is itself a unit)
        parts = [p]
        for sep in ("以及", "及", "等", "和", "与"):
            nxt = []
            for q in parts:
                segs = q.split(sep)
                if len(segs) == 1:
                    nxt.append(q)
                    continue
                cur = segs[0]
                for s in segs[1:]:
                    if sep == "等" and looks_like_unit(cur) and _GENERIC.match(s):
                        continue  # 市城管局等部门: the list is over
                    if sep != "等" and _GENERIC.match(s):
                        cur = cur + sep + s  # 各县市区党委和政府: one unit
                        continue
                    if looks_like_unit(cur) and s and len(s) >= 2 and (looks_like_unit(s) or sep == "等"):
                        nxt.append(cur)
                        cur = s
                    else:
                        cur = cur + sep + s
                nxt.append(cur)
            parts = nxt
        for q in parts:
            q = _clean(q)
            if q:
                out.extend(split_run(q, known))
    seen, res = set(), []
    for u in out:
        if u and u not in seen:
            seen.add(u)
            res.append(u)
    return res


def strip_role(text: str) -> str:
    text = text.strip(" ，,。；;")
    prev = None
    while prev != text:
        prev = text
        text = _ROLE_TAIL.sub("", text).strip(" ，,。；;")
    return text


_PLACE_PAREN = re.compile(r"[（(〔【]([市区县旗盟镇乡街道场自治开发园新、]{1,12}|牵头|主责)[）)〕】]")


# a place bracket inside a name is kept as printed (相关县〔市、区〕政府 / 各县(市、区)): each
# bracket form gets its own stand-in while the phrase is split
_OPEN, _CLOSE = "（(〔【", "）)〕】"
_STAND_IN = {c: chr(0xE000 + i) for i, c in enumerate(_OPEN + _CLOSE)}
_BACK = str.maketrans({v: k for k, v in _STAND_IN.items()} | {"\u3008": "（", "\u3009": "）", "\u2027": "、"})


def _mask_places(text: str) -> str:
    def sub(m):
        if m.group(1) in ("牵头", "主责"):
            return "\u3008" + m.group(1) + "\u3009"  # 〈牵头〉 is read as a role marker
        o, c = m.group(0)[0], m.group(0)[-1]
        return _STAND_IN[o] + m.group(1).replace("、", "\u2027") + _STAND_IN[c]
    return _PLACE_PAREN.sub(sub, text)


def _unmask(x: str) -> str:
    return x.translate(_BACK)


_ELLIPTIC_TAIL = re.compile(r"^(.{0,8}?)([省市州县区盟旗乡镇])((?:人民)?政府)$")


def expand_elliptic(pieces: list[str]) -> list[str]:
    """相关市、县政府 / 哈尔滨、黑河、绥芬河市政府: short place words coordinated before one
    政府 share it (相关市政府, 相关县政府; 哈尔滨市政府 …)."""
    out = list(pieces)
    for i, p in enumerate(pieces):
        m = _ELLIPTIC_TAIL.match(p)
        if not m or i == 0:
            continue
        k = i
        while k > 0 and len(pieces[k - 1]) <= 5 \
                and (not looks_like_unit(pieces[k - 1]) or pieces[k - 1][-1] in "省市州县区盟旗乡镇") \
                and re.fullmatch(r"[\u4e00-\u9fff]+", pieces[k - 1]):
            k -= 1
        if k == i:
            continue
        head = m.group(1)
        for j in range(k, i):
            q = pieces[j]
            if q[-1] in "省市州县区盟旗乡镇":  # 相关市 → 相关市政府
                out[j] = q + m.group(3)
            else:  # 哈尔滨 → 哈尔滨市政府
                out[j] = q + m.group(2) + m.group(3)
        if not head and k > 0 and pieces[k][-1] in "省市州县区盟旗乡镇" and len(pieces[k]) > 1:
            # 相关市、县政府: the qualifier of the first (相关) carries to the last
            qual = pieces[k][:-1]
            out[i] = qual + p
    return out


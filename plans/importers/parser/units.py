"""Responsible units (牵头 / 责任 / 配合单位) in every phrasing the genre uses."""
from __future__ import annotations

import re

from .unitnames import (  # noqa: F401  (re-exported: older code imports them from here)
    _GENERIC, _PLACE_PAREN, _ROLE_TAIL, UNIT_PREFIXES, UNIT_SUFFIXES, _clean, _mask_places, _unmask,
    get_tokenizer, looks_like_unit, split_run, split_units, strip_role,
)


_TIME_CLAUSE = re.compile(r"\d{1,2}月|年底|年内|年末|季度|上半年|下半年|长期|持续|前完成|完成时限|\d{4}年")

LABELLED = re.compile(
    r"(牵头单位|牵头部门|主责单位|责任单位|责任部门|责任主体|配合单位|配合部门|协办单位|协同单位|参与单位"
    r"|(?<![\u4e00-\u9fff])(?:牵头|配合|主责|协办))\s*[:：]\s*"
)


def parse_unit_phrase(text: str, known: frozenset = frozenset()):
    """Return (lead, co) from a responsibility phrase, or None if it names none.

    Place-name parentheses inside unit names (各县（市、区）人民政府) are kept whole."""
    if _PLACE_PAREN.search(text or ""):
        r = _parse_unit_phrase(_mask_places(text), known)
        if r is None:
            return None
        return [_unmask(u) for u in r[0]], [_unmask(u) for u in r[1]]
    return _parse_unit_phrase(text, known)


def _parse_unit_phrase(text: str, known: frozenset = frozenset()):
    text = re.split(r"[；;，,]?\s*(?:完成时限|完成时间|时间节点|时限要求)\s*[:：]", text.strip())[0].strip()
    # drop time clauses riding along: （县数据局负责，2025年9月底前完成）
    segs = re.split(r"([，,；;])", text)
    keep = []
    for seg in segs[0::2]:
        if _TIME_CLAUSE.search(seg):
            continue
        keep.append(seg)
    text = "，".join(k for k in keep if k.strip())
    if not text:
        return None
    lead: list[str] = []
    co: list[str] = []
    marked = [strip_role(_clean(m.group(1))) for m in
              re.finditer(r"([^、，,；;：:\s]+?)\s*[（(\u3008](?:牵头|主责)[）)\u3009]", text)]
    if LABELLED.search(text):
        parts = LABELLED.split(text)
        resp: list[str] = []
        has_lead = False
        for key, val in zip(parts[1::2], parts[2::2]):
            names = split_units(strip_role(val.strip(" ；;，,。")), known)
            if key.startswith(("牵头", "主责")):
                lead += names
                has_lead = True
            elif key.startswith(("责任",)):
                resp += names
            else:
                co += names
        if has_lead:
            co = resp + co
        elif len(resp) == 1:  # 责任单位：X；配合单位：Y — X leads
            lead = resp
        else:
            co = resp + co
    else:
        m = re.match(r"^(.+?)牵头(?:负责)?(?![）)\u3009])[，,、；;]?\s*(.*)$", text, re.S)
        if m and not marked:
            lead = split_units(strip_role(re.sub(r"(?:共同|联合|分别)$", "", m.group(1))), known)
            rest = strip_role(m.group(2))
            co = split_units(rest, known) if rest else []
        else:
            names = split_units(strip_role(text), known)
            if len(names) == 1:
                lead = names
            else:
                co = names
    if marked:
        everyone = lead + co
        lead = [u for u in everyone if u in marked] or marked
        co = [u for u in everyone if u not in lead]
    lead = [u for u in lead if u]
    co = [u for u in co if u and u not in lead]
    if not lead and not co:
        return None
    return lead, co


_PAREN = re.compile(r"[（(〔【]([^（）()〔〕【】]{2,300})[）)〕】]")
LABEL_BRACKETS = re.compile(
    r"[【\[]\s*(牵头单位|牵头部门|主责单位|责任单位|责任部门|责任主体|配合单位|配合部门|协办单位|完成时限|完成时间|时间节点)\s*[】\]]\s*[:：]?")
_TIME_ANY = re.compile(r"(?:20\d\d年)?(?:\d{1,2}月(?:\d{1,2}日)?|年底|年内|年末|上半年|下半年|[一二三四]季度)?(?:底|末)?(?:前|之前)?(?:完成)?"
                       r"|长期坚持|持续推进|长期")
_NOT_A_UNIT = re.compile(r"负责人|同志|领导(?!小组)|企业负责|签字|确认|申报|联系")
_ROLE_ONLY = re.compile(r"^(?:牵头|主责|负责|配合|参与|落实)$")
_ROLE_WORDS = re.compile(r"牵头|负责|责任单位|责任部门|配合单位|牵头单位|主责单位|配合部门|协办单位|责任主体")


def find_units_in_text(text: str, known: frozenset = frozenset()):
    """(lead, co, span) from the item's own text: the last responsibility
    parenthetical, or a 责任单位：… line. span is the matched text, or None.

    Place-name parentheses inside unit names (各县（市、区）人民政府) are kept."""
    if _PLACE_PAREN.search(text):
        r = _find_units(_mask_places(text), known)
        if r is None:
            return None
        return [_unmask(u) for u in r[0]], [_unmask(u) for u in r[1]], _unmask(r[2])
    return _find_units(text, known)


def _find_units(text: str, known: frozenset = frozenset()):
    best = None
    text = LABEL_BRACKETS.sub(r"\1：", text)
    bare = None
    for m in _PAREN.finditer(text):
        inner = m.group(1)
        if not _ROLE_WORDS.search(inner):
            # （区委编办、区司法局；2026年9月底前）closing the item: units without a role word
            if re.match(r"^\s*(?:[。；;]|$)", text[m.end():]):
                r = parse_unit_phrase(inner, known)
                if r and all(u in known or looks_like_unit(u) and u.startswith(UNIT_PREFIXES) and len(u) <= 24
                             for u in r[0] + r[1]):
                    rest = inner
                    for u in sorted(r[0] + r[1], key=len, reverse=True):
                        rest = rest.replace(u, "")
                    rest = _TIME_ANY.sub("", rest)
                    if len(re.sub(r"[，,、；;\s及和]", "", _mask_places(rest))) <= 1:
                        bare = (r[0], r[1], m.group(0))
            continue
        if not re.search(r"(?:牵头|负责|单位|部门|主体)", inner):
            continue
        r = parse_unit_phrase(inner, known)
        if r and all(u in known or looks_like_unit(u) and not _ROLE_ONLY.match(u) and not _NOT_A_UNIT.search(u)
                     for u in r[0] + r[1]):
            best = (r[0], r[1], m.group(0))
    if best or bare:
        return best or bare
    m = LABELLED.search(text)
    if m is None:
        r = _units_sentence(text, known)
        if r:
            return r
    if m is not None:
        # 牵头单位：X；配合单位：Y on one line, or one field per line
        kept = []
        for line in text[m.start():].split("\n"):
            if kept and not LABELLED.match(line.strip()):
                break
            kept.append(re.split(r"[。]|完成时限|时间节点|完成时间", line)[0])
        tail = "；".join(k.strip(" ；;") for k in kept if k.strip())
        r = parse_unit_phrase(tail, known)
        if r:
            return r[0], r[1], tail
    return None


_SENTENCE_ROLE = re.compile(r"(?:牵头|配合|参与|按照?职责分工负责|按职责负责|负责落实|共同负责|分别负责|负责)$")


def _units_sentence(text: str, known: frozenset = frozenset()):
    """A sentence made only of units and roles, without brackets:
    由市市场监管局牵头，市司法局配合。 / 市商务局、XX海关按职责分工负责。"""
    best = None
    for sent in re.split(r"[。；;\n]", text):
        sent = sent.strip(" ，,")
        if not sent or len(sent) > 120 or not _SENTENCE_ROLE.search(sent):
            continue
        body = re.sub(r"^(?:由|请|要由)", "", sent)
        r = parse_unit_phrase(body, known)
        if not r:
            continue
        names = r[0] + r[1]
        if not all(u in known or looks_like_unit(u) and len(u) <= 24 for u in names):
            continue
        rest = body
        for u in sorted(names, key=len, reverse=True):
            rest = rest.replace(u, "")
        rest = re.sub(r"牵头|配合|参与|按照?职责分工|按职责|负责|落实|共同|分别|联合|及|和|等|[，,、\s]", "", rest)
        if len(rest) > 2:  # other words: a sentence about the units, not a responsibility line
            continue
        best = (r[0], r[1], sent)
    return best

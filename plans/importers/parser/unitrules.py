"""Rules about units that a document states once and applies to what follows.

- a document-level lead rule: ``排在首位的为牵头单位，下同`` / ``第一责任单位为牵头单位``: from there
  on, the first of several units named without a role leads;
- a standing rule: ``以下政策措施均需各县区人民政府落实，不再单独列出`` / ``具体任务均涉及相关市(州)
  人民政府，不再做分工，下同``: those units are co-responsible for this measure and every one after
  it; the sentence itself names no unit of the measure it sits in.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from .unitnames import _mask_places, _unmask, split_units

FIRST_IS_LEAD = re.compile(
    r"(?:排|列)在?(?:首位|第一位|最前面?)的?(?:单位|部门)?(?:为|是)牵头(?:单位|部门)"
    r"|第一(?:责任)?(?:单位|部门)(?:为|是)牵头(?:单位|部门)|首个(?:单位|部门)(?:为|是)牵头(?:单位|部门)")
_FIRST_RULE_SPAN = re.compile(r"[，,；;。]?\s*(?:其中|注[:：])?[^，,；;。（）()]{0,8}?(?:" + FIRST_IS_LEAD.pattern + r")(?:[，,]\s*下同)?")
_NO_MORE = r"(?:不再(?:单独|一一|重复|逐一|另行|逐项)?(?:列出|列明|分工|做分工|标注|注明|明确|列举)|下同)"
STANDING = re.compile(
    r"(?:以下|下列|各项|所有|全部|具体|上述|本方案)?[^。；;（）()〔〕\n]{0,12}?"
    r"(?:均需|均由|均涉及|均要|均须|都需|都要|需由|涉及)(?P<units>[^。；;\n]{2,80}?)"
    r"(?:共同|按职责)?(?:落实|实施|负责|参与|配合)?[，,]?\s*" + _NO_MORE + r"(?:[，,]\s*" + _NO_MORE + r")?"
    r"|(?:以下|各项|所有)(?:政策)?(?:措施|任务)均需(?P<units2>[^。；;\n]{2,60}?)落实")


@dataclass
class UnitRules:
    first_is_lead: bool = False
    standing: list = field(default_factory=list)

    def read(self, text: str) -> str:
        """Take the rules stated in ``text``; return the text without the rules' sentences."""
        if FIRST_IS_LEAD.search(text):
            self.first_is_lead = True
            text = _FIRST_RULE_SPAN.sub("", text)
        masked = _mask_places(text)
        for m in STANDING.finditer(masked):
            names = split_units(m.group("units") or m.group("units2") or "")
            for u in names:
                u = _unmask(u)
                if u not in self.standing:
                    self.standing.append(u)
        return _unmask(STANDING.sub("", masked)) if self.standing else text

    def apply(self, lead: list, co: list, own: bool) -> tuple[list, list]:
        if own and self.first_is_lead and not lead and len(co) >= 2:
            lead, co = co[:1], co[1:]
        return lead, co

    def standing_for(self, lead: list, co: list) -> list:
        return [u for u in self.standing if u not in lead and u not in co]

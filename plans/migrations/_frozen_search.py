"""The search segmentation as it was when plans/0005 and tasks/0004 were written, frozen here so
that migrations import no app code (Django's migration loader skips modules named with `_`).

jieba words (with the importer's unit-name suffixes added to its dictionary), the title twice,
then CJK bigrams and characters once each. Later changes to plans/search.py do not reach this copy;
`manage.py reindex_search` rewrites the stored text with the current rules."""
import logging
import re

_CJK_RUN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[\w%.]+")
UNIT_SUFFIXES = (
    "办公室", "委员会", "管委会", "联合会", "工商联", "联社", "协会", "分局", "支队", "大队", "中队",
    "中心", "公司", "集团", "银行", "分行", "支行", "政府", "街道", "部门", "单位", "机关", "海关",
    "法院", "检察院", "监委", "经开区", "高新区", "开发区", "园区", "新区", "总局", "分会", "商会",
    "机构", "专班", "小组", "指挥部", "社区", "残联", "妇联", "侨联", "文联", "科协", "团委",
    "局", "委", "办", "院", "所", "站", "镇", "乡", "部", "处", "科", "室", "队", "会", "署", "厅",
)
_tokenizer = None


def _tk():
    global _tokenizer
    if _tokenizer is None:
        import jieba  # loaded only when a migration has rows to segment (~0.6 s)

        jieba.setLogLevel(logging.WARNING)
        tk = jieba.Tokenizer()
        tk.initialize()
        for s in UNIT_SUFFIXES:
            if len(s) > 1:
                tk.add_word(s, freq=2000)
        _tokenizer = tk
    return _tokenizer


def _words(text: str) -> list[str]:
    out = []
    for w in _tk().cut_for_search(text):
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
    title_words = _words(title)
    body = text if text and text.strip() != title.strip() else ""
    terms = title_words + title_words + _words(body)
    terms.extend(dict.fromkeys(_grams(title + "\n" + body)))
    return " ".join(terms)


def segment_report(done_text: str, problems_text: str = "") -> str:
    return segment("", f"{done_text}\n{problems_text}".strip())

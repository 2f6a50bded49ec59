"""HTML (a plan saved from a web page as .htm / .html, or pasted into a .txt): block tags
end paragraphs, <table> becomes a Table with its colspan / rowspan resolved."""
from __future__ import annotations

import re

from ..blocks import Paragraph, Table

HTML_START = re.compile(r"\s*(?:<\?xml[^>]*>\s*)?<(?:!doctype\s+html|html|head|body|meta|div|p|table)\b", re.I)


def read_html(text: str) -> list:
    """A plan saved from a web page (.htm / .html, or pasted as .txt): block tags
    end paragraphs, <table> becomes a Table with its colspan / rowspan resolved."""
    from html.parser import HTMLParser

    blocks: list = []
    BLOCK = {"p", "div", "br", "h1", "h2", "h3", "h4", "h5", "h6", "li", "ul", "ol", "section", "article",
             "tr", "table", "dd", "dt", "blockquote", "center", "hr"}
    SKIP = {"script", "style", "head", "title", "noscript", "template"}

    class P(HTMLParser):
        def __init__(self):
            super().__init__(convert_charrefs=True)
            self.line: list[str] = []
            self.skip = 0
            self.tables: list[dict] = []  # stack; an inner table's text goes into the outer cell
            self.n_par = 0
            self.n_tab = 0

        def flush(self):
            t = "".join(self.line).replace("\xa0", " ").strip()
            self.line = []
            if t:
                self.n_par += 1
                for piece in t.split("\n"):
                    if piece.strip():
                        blocks.append(Paragraph(text=piece.strip(), loc=f"第{self.n_par}段"))

        def handle_starttag(self, tag, attrs):
            if tag in SKIP:
                self.skip += 1
                return
            a = dict(attrs)
            if tag == "table":
                if not self.tables:
                    self.flush()
                self.tables.append({"rows": [], "row": None, "cell": None})
                return
            if self.tables:
                tb = self.tables[-1]
                if tag == "tr":
                    tb["row"] = []
                    tb["rows"].append(tb["row"])
                elif tag in ("td", "th"):
                    if tb["row"] is None:
                        tb["row"] = []
                        tb["rows"].append(tb["row"])

                    def num(k):
                        try:
                            return max(1, min(int(a.get(k) or 1), 100))
                        except ValueError:
                            return 1
                    tb["cell"] = {"text": [], "colspan": num("colspan"), "rowspan": num("rowspan")}
                    tb["row"].append(tb["cell"])
                elif tag in BLOCK and tb["cell"] is not None:
                    tb["cell"]["text"].append("\n")
                return
            if tag in BLOCK:
                self.flush()

        def handle_endtag(self, tag):
            if tag in SKIP:
                self.skip = max(0, self.skip - 1)
                return
            if tag == "table" and self.tables:
                tb = self.tables.pop()
                if self.tables:  # nested: its text joins the outer cell
                    outer = self.tables[-1]["cell"]
                    if outer is not None:
                        outer["text"].append("\n".join(
                            " ".join("".join(c["text"]).strip() for c in r) for r in tb["rows"]))
                    return
                self.n_tab += 1
                blocks.append(_html_table(tb["rows"], f"表{self.n_tab}"))
                return
            if self.tables:
                tb = self.tables[-1]
                if tag in ("td", "th"):
                    tb["cell"] = None
                elif tag in BLOCK and tb["cell"] is not None:
                    tb["cell"]["text"].append("\n")
                return
            if tag in BLOCK:
                self.flush()

        def handle_data(self, data):
            if self.skip:
                return
            data = re.sub(r"[ \t\n]+", " ", data)
            if self.tables:
                cell = self.tables[-1]["cell"]
                if cell is not None:
                    cell["text"].append(data)
                return
            self.line.append(data)

    parser = P()
    parser.feed(text)
    parser.close()
    while parser.tables:
        parser.handle_endtag("table")
    parser.flush()
    return blocks


def _html_table(rows: list[list[dict]], loc: str) -> Table:
    grid: dict[tuple[int, int], str] = {}
    vmerged = set()
    for r, row in enumerate(rows):
        c = 0
        for cell in row:
            while (r, c) in grid:
                c += 1
            text = "\n".join(x.strip() for x in "".join(cell["text"]).replace("\xa0", " ").split("\n") if x.strip())
            for dr in range(cell["rowspan"]):
                for dc in range(cell["colspan"]):
                    grid[(r + dr, c + dc)] = text if dr == 0 else ""
                    if dr:
                        vmerged.add((r + dr, c + dc))
            c += cell["colspan"]
    if not grid:
        return Table(rows=[], loc=loc, has_merge_info=True)
    nrows = max(r for r, _ in grid) + 1
    ncols = max(c for _, c in grid) + 1
    out = [[grid.get((r, c), "") for c in range(ncols)] for r in range(nrows)]
    return Table(rows=out, loc=loc, vmerged=vmerged, has_merge_info=True)


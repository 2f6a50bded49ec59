#!/usr/bin/env python
"""Do the readers lose anything?  Render each corpus document (``docs/*.txt``) as .docx, .xlsx,
.pdf and .doc, parse every rendition and score it with ``score_plan.py`` next to the .txt.

    python benchmarks/score_renditions.py                       # ../shared/corpus, every format
    python benchmarks/score_renditions.py --formats txt,docx    # some formats
    python benchmarks/score_renditions.py --keep var/renditions # keep the files and predictions

Renditions: .docx by python-docx (one paragraph per line; runs of pipe-separated lines
``a | b | c`` become a real Word table), .xlsx by openpyxl (one row per line in column A, pipe
lines split into cells), .pdf and .doc by LibreOffice from the .docx (one soffice run per
format for all documents).  A rendition should score like the .txt: any gap is a reader loss.
Not part of CI (needs the corpus in ../shared and LibreOffice; takes minutes).
"""
from __future__ import annotations

import argparse
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

FORMATS = ["txt", "docx", "xlsx", "pdf", "doc"]
PIPE = re.compile(r"\s*[|｜]\s*")


def _segments(text: str):
    """("para", line) and ("table", rows) in document order."""
    lines = [ln.strip() for ln in text.replace("\r\n", "\n").split("\n")]
    i = 0
    while i < len(lines):
        j = i
        while j < len(lines) and ("|" in lines[j] or "｜" in lines[j]):
            j += 1
        if j - i >= 2:
            yield "table", [[c for c in PIPE.split(ln.strip("|｜ "))] for ln in lines[i:j]]
            i = j
            continue
        if lines[i]:
            yield "para", lines[i]
        i += 1


def to_docx(text: str) -> bytes:
    import docx

    doc = docx.Document()
    for kind, value in _segments(text):
        if kind == "para":
            doc.add_paragraph(value)
            continue
        ncols = max(len(r) for r in value)
        table = doc.add_table(rows=len(value), cols=ncols)
        table.style = "Table Grid"
        for r, row in enumerate(value):
            for c, cell in enumerate(row):
                table.cell(r, c).text = cell
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def to_xlsx(text: str) -> bytes:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    for kind, value in _segments(text):
        for row in (value if kind == "table" else [[value]]):
            ws.append(row)
    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()


def convert_all(docx_dir: Path, target: str, out_dir: Path) -> None:
    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if not soffice:
        raise SystemExit("LibreOffice (soffice) is needed for the .pdf / .doc renditions")
    with tempfile.TemporaryDirectory() as profile:
        sources = sorted(str(p) for p in docx_dir.glob("*.docx"))
        subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
                        "--convert-to", target, "--outdir", str(out_dir)] + sources,
                       check=True, capture_output=True, timeout=1800)


def render(docs: list[Path], formats: list[str], work: Path) -> dict[str, dict[str, Path]]:
    files: dict[str, dict[str, Path]] = {f: {} for f in formats}
    docx_dir = work / "docx"
    docx_dir.mkdir(parents=True, exist_ok=True)
    for doc in docs:
        text = doc.read_text(encoding="utf-8")
        stem = doc.stem
        files.setdefault("txt", {})[stem] = doc
        (docx_dir / f"{stem}.docx").write_bytes(to_docx(text))
        if "docx" in formats:
            files["docx"][stem] = docx_dir / f"{stem}.docx"
        if "xlsx" in formats:
            (work / "xlsx").mkdir(exist_ok=True)
            (work / "xlsx" / f"{stem}.xlsx").write_bytes(to_xlsx(text))
            files["xlsx"][stem] = work / "xlsx" / f"{stem}.xlsx"
    for fmt, target in (("pdf", "pdf"), ("doc", "doc:MS Word 97")):
        if fmt in formats:
            (work / fmt).mkdir(exist_ok=True)
            convert_all(docx_dir, target, work / fmt)
            files[fmt] = {p.stem: p for p in (work / fmt).glob(f"*.{fmt}")}
    return files


def score(gold_dir: Path, pred_dir: Path, score_tool: Path) -> dict:
    out = subprocess.run([sys.executable, str(score_tool), "--dir", str(gold_dir), str(pred_dir)],
                         capture_output=True, text=True, check=True).stdout
    total = out.split("total:")[-1]
    figures = {k: float(v) for k, v in re.findall(r"(\w+)\s+F1 ([0-9.]+)", total)}
    figures["overall"] = float(re.search(r"overall: ([0-9.]+)", out).group(1))
    return figures


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", default=str(ROOT.parent / "shared" / "corpus"))
    ap.add_argument("--score-tool", default=str(ROOT.parent / "shared" / "tools" / "score_plan.py"))
    ap.add_argument("--formats", default=",".join(FORMATS))
    ap.add_argument("--keep", default=None, help="directory for the renditions and predictions (kept)")
    ap.add_argument("--only", default=None, help="a document stem prefix, e.g. d24")
    args = ap.parse_args(argv)
    formats = [f for f in args.formats.split(",") if f]
    corpus = Path(args.corpus)
    docs = sorted((corpus / "docs").glob(f"{args.only or ''}*.txt"))
    if not docs:
        print(f"no documents in {corpus / 'docs'}")
        return 2

    import django

    django.setup()
    from plans.importers import ImportRefused, parse_bytes

    work = Path(args.keep) if args.keep else Path(tempfile.mkdtemp(prefix="renditions-"))
    work.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    files = render(docs, formats, work)
    print(f"rendered {len(docs)} documents as {', '.join(formats)} in {time.perf_counter() - t0:.0f} s ({work})")
    results = {}
    for fmt in formats:
        pred_dir = work / f"pred-{fmt}"
        pred_dir.mkdir(exist_ok=True)
        refused = []
        for doc in docs:
            path = files[fmt].get(doc.stem)
            try:
                if path is None:
                    raise ImportRefused("rendition missing", "missing")
                tree = parse_bytes(path.read_bytes(), path.name)
            except ImportRefused as e:
                refused.append(f"{doc.stem} ({e.code})")
                tree = {"items": []}
            (pred_dir / f"{doc.stem}.json").write_text(json.dumps(tree, ensure_ascii=False), encoding="utf-8")
        results[fmt] = score(corpus / "gold", pred_dir, Path(args.score_tool))
        if refused:
            print(f"{fmt}: refused {', '.join(refused)}")
    keys = ["items", "units", "lead", "deadlines", "targets", "overall"]
    print(f"\n{'format':<8}" + "".join(f"{k:>11}" for k in keys))
    for fmt in formats:
        print(f"{fmt:<8}" + "".join(f"{results[fmt].get(k, 0):>11.3f}" for k in keys))
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())

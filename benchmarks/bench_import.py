#!/usr/bin/env python
"""Import benchmark: parse time (after warm-up) and peak memory per seed, and for
a synthetic plan N times the size of seed 003 (narrative + responsibility table,
renumbered so every copy is a distinct part of one plan).

    python benchmarks/bench_import.py            # seeds + 20x plan
    python benchmarks/bench_import.py --smoke    # seeds once + 2x plan, quick
    python benchmarks/bench_import.py --times 20 # override the multiplier
    python benchmarks/bench_import.py --no-formats  # skip the .pdf / .doc part (needs LibreOffice)

Targets: < 1 s per seed; < 10 s and < 300 MB for the 20x plan; < 5 s and < 300 MB for a 100-page
text PDF (LibreOffice's PDF of the synthetic plan as a Word file, its table a ruled Word table).
The .pdf / .doc rows are parsed in a fresh process each, so their peak RSS (the parent, and the
PDF reader's child or LibreOffice) is the file's own, not the benchmark's.

Last measured (shared 2-core machine, load 14-20, so wall times are inflated; CPU seconds are
the fairer figure): 22-page PDF 7.5 s CPU, child peak RSS <= 128 MB; 217-page PDF 41.8 s CPU,
158 MB. The PDF time goal (< 5 s for 100 pages) is missed: pdfminer's content-stream parsing
costs ~0.2 s CPU per page (pypdfium2, already installed with pdfplumber, reads the same
characters ~20x faster: the way to the goal). Memory (< 300 MB) holds.
"""
from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import tempfile
import resource
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from plans.importers import parse_bytes  # noqa: E402

SEEDS = ROOT / "fixtures" / "seeds"
PDF_TIMES = 5  # seed 003 five times makes a PDF of about 100 pages (10x: 217)


def _cn(n: int) -> str:
    import cn2an

    return cn2an.an2cn(n)


def synthetic_plan(times: int) -> bytes:
    """Seed 003 repeated `times` times: sections 一、… measures 1. and table tasks
    （n） renumbered per copy; one preamble, one table with all copies' rows."""
    import cn2an

    text = next(SEEDS.glob("003_*.txt")).read_text(encoding="utf-8")
    lines = text.split("\n")
    table_title = next(i for i, l in enumerate(lines) if l.strip().endswith("责任分工表"))
    first_section = next(i for i, l in enumerate(lines) if re.match(r"^一、", l.strip()))
    header_end = next(i for i in range(table_title + 1, len(lines)) if not lines[i].strip())
    head = lines[:first_section]
    narrative = lines[first_section:table_title]
    table_head = lines[table_title:header_end + 1]
    table_rows = lines[header_end + 1:]
    n_sections = sum(1 for l in narrative if re.match(r"^[一二三四五六七八九十]+、", l.strip()))
    n_measures = max(int(m.group(1)) for l in narrative if (m := re.match(r"^(\d+)\.", l.strip())))
    n_tasks = max(int(m.group(1)) for l in table_rows if (m := re.match(r"^\t（(\d+)）", l)))

    def renumber(line: str, k: int) -> str:
        tab = "\t" if line.startswith("\t") else ""
        body = line[len(tab):]
        m = re.match(r"^([一二三四五六七八九十]+)、", body)
        if m:
            return tab + _cn(cn2an.cn2an(m.group(1), "smart") + n_sections * k) + body[m.end() - 1:]
        m = re.match(r"^(\d+)\.", body)
        if m:
            return tab + str(int(m.group(1)) + n_measures * k) + body[m.end() - 1:]
        m = re.match(r"^（(\d+)）", body)
        if m:
            return tab + f"（{int(m.group(1)) + n_tasks * k}）" + body[m.end():]
        return line

    out = list(head)
    for k in range(times):
        out += [renumber(l, k) for l in narrative]
    out += table_head
    for k in range(times):
        out += [renumber(l, k) for l in table_rows] + [""]
    return "\n".join(out).encode("utf-8")


def count_items(items) -> int:
    return sum(1 + count_items(i.get("children") or []) for i in items)


def measure(data: bytes, name: str, repeat: int) -> dict:
    parse_bytes(data, name)  # warm-up (jieba dictionary, regex caches)
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = parse_bytes(data, name)
        times.append(time.perf_counter() - t0)
    tracemalloc.start()
    parse_bytes(data, name)
    _cur, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return {"seconds": statistics.median(times), "peak_mb": peak / 1024 / 1024, "items": count_items(result["items"]),
            "kb": len(data) / 1024}


def parse_one(path: str) -> None:
    """In the fresh process started by measure_file: parse once, print time and peak RSS."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")
    import django

    django.setup()
    from django.conf import settings

    # measure, don't enforce: on a shared machine the wall-clock limit would cut the run short
    settings.PLAN_IMPORT_PDF_TIMEOUT = settings.PLAN_IMPORT_CONVERT_TIMEOUT = 3600
    from plans.importers.units import get_tokenizer

    get_tokenizer()  # jieba's dictionary: once per process, not part of reading a file
    data = Path(path).read_bytes()
    t0 = time.perf_counter()
    result = parse_bytes(data, Path(path).name)
    seconds = time.perf_counter() - t0
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({
        "seconds": seconds, "items": count_items(result["items"]),
        "cpu": time.process_time() + children.ru_utime + children.ru_stime,
        "self_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "child_mb": resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024}))


def measure_file(path: Path) -> dict:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    out = subprocess.run([sys.executable, __file__, "--one", str(path)], capture_output=True, text=True,
                         check=True, env=env, cwd=str(ROOT)).stdout
    return json.loads(out.strip().splitlines()[-1])


def build_docx(text: str) -> bytes:
    """Paragraphs, and the TAB-exported table as a ruled Word table (cells filled row by row:
    the test suite's builder also merges cells, which python-docx does slowly on 1000 rows)."""
    import io

    import docx

    from plans.importers.readers import _find_table_regions, _parse_tab_table

    lines = text.split("\n")
    regions = {a: b for a, b in _find_table_regions(lines)}
    doc = docx.Document()
    i = 0
    while i < len(lines):
        if i in regions:
            rows = _parse_tab_table(lines[i:regions[i]])
            table = doc.add_table(rows=0, cols=max(len(r) for r in rows))
            table.style = "Table Grid"
            for row in rows:
                for cell, value in zip(table.add_row().cells, row):
                    cell.text = value
            i = regions[i]
            continue
        if lines[i].strip():
            doc.add_paragraph(lines[i].strip())
        i += 1
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def format_files(times: int, work: Path) -> dict[str, Path]:
    """The synthetic plan as .docx (tables as Word tables), and LibreOffice's .pdf and .doc of it."""
    import shutil

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    docx = work / f"synthetic_{times}x_003.docx"
    docx.write_bytes(build_docx(synthetic_plan(times).decode("utf-8")))
    files = {"docx": docx}
    for fmt, target in (("pdf", "pdf"), ("doc", "doc:MS Word 97")):
        subprocess.run([soffice, "--headless", "--norestore", f"-env:UserInstallation=file://{work}/profile",
                        "--convert-to", target, "--outdir", str(work), str(docx)], check=True, capture_output=True,
                       timeout=1800)
        files[fmt] = docx.with_suffix("." + fmt)
    return files


def bench_formats(times: int) -> bool:
    import pdfplumber

    ok = True
    with tempfile.TemporaryDirectory() as tmp:
        t0 = time.perf_counter()
        files = format_files(times, Path(tmp))
        with pdfplumber.open(files["pdf"]) as pdf:
            pages = len(pdf.pages)
        print(f"\nformats: synthetic {times}x seed 003 as .docx / .pdf ({pages} pages) / .doc, "
              f"made by LibreOffice in {time.perf_counter() - t0:.0f} s; each parsed in a fresh process")
        print(f"{'file':<34}{'size':>9}{'items':>7}{'parse s':>10}{'CPU s':>8}{'RSS MB':>8}{'child MB':>9}  target")
        for fmt in ("docx", "pdf", "doc"):
            r = measure_file(files[fmt])
            target = ""
            if fmt == "pdf" and pages >= 90:
                good = r["seconds"] < 5.0 and max(r["self_mb"], r["child_mb"]) < 300
                ok &= good
                target = f"< 5 s, < 300 MB {'OK' if good else 'MISSED'}"
            print(f"{files[fmt].name:<34}{files[fmt].stat().st_size / 1024:>7.1f}KB{r['items']:>7}"
                  f"{r['seconds']:>10.3f}{r['cpu']:>8.1f}{r['self_mb']:>8.0f}{r['child_mb']:>9.0f}  {target}")
    return ok


def main(argv=None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--one"]:
        parse_one(argv[1])
        return 0
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="quick run: 2x plan, one timing per document")
    ap.add_argument("--times", type=int, default=None, help="size multiplier of the synthetic plan (default 20)")
    ap.add_argument("--pdf-times", type=int, default=None,
                    help="multiplier for the .pdf / .doc plan (default PDF_TIMES: ~100 pages)")
    ap.add_argument("--no-formats", action="store_true", help="skip the .pdf / .doc part")
    args = ap.parse_args(argv)
    times = args.times or (2 if args.smoke else 20)
    repeat = 1 if args.smoke else 5

    t0 = time.perf_counter()
    from plans.importers.units import get_tokenizer

    get_tokenizer()
    print(f"jieba load (once per process): {time.perf_counter() - t0:.2f} s")
    print(f"{'document':<34}{'size':>9}{'items':>7}{'parse s':>10}{'peak MB':>9}  target")
    ok = True
    for path in sorted(SEEDS.glob("00[0-3]_*.txt")):
        r = measure(path.read_bytes(), path.name, repeat)
        good = r["seconds"] < 1.0
        ok &= good
        print(f"{path.name:<34}{r['kb']:>7.1f}KB{r['items']:>7}{r['seconds']:>10.3f}{r['peak_mb']:>9.1f}  "
              f"< 1 s {'OK' if good else 'MISSED'}")
    data = synthetic_plan(times)
    r = measure(data, f"synthetic_{times}x_003.txt", 1 if not args.smoke else 1)
    good = r["seconds"] < 10.0 and r["peak_mb"] < 300
    ok &= good
    print(f"{f'synthetic {times}x seed 003':<34}{r['kb']:>7.1f}KB{r['items']:>7}{r['seconds']:>10.3f}"
          f"{r['peak_mb']:>9.1f}  < 10 s, < 300 MB {'OK' if good else 'MISSED'}")
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"process max RSS: {rss:.0f} MB")
    if args.smoke and not args.pdf_times:
        print("formats (.pdf / .doc): skipped with --smoke (LibreOffice makes the files: minutes); "
              "add --pdf-times 1 to run them small")
    elif not args.no_formats:
        ok &= bench_formats(args.pdf_times or PDF_TIMES)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

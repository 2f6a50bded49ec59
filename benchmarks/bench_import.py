#!/usr/bin/env python
"""Import benchmark: parse time (after warm-up) and peak memory per seed, and for
a synthetic plan N times the size of seed 003 (narrative + responsibility table,
renumbered so every copy is a distinct part of one plan).

    python benchmarks/bench_import.py            # seeds + 20x plan
    python benchmarks/bench_import.py --smoke    # seeds once + 2x plan, quick
    python benchmarks/bench_import.py --times 20 # override the multiplier

Targets: < 1 s per seed; < 10 s and < 300 MB for the 20x plan.
"""
from __future__ import annotations

import argparse
import re
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


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--smoke", action="store_true", help="quick run: 2x plan, one timing per document")
    ap.add_argument("--times", type=int, default=None, help="size multiplier of the synthetic plan (default 20)")
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
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())

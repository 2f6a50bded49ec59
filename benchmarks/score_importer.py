#!/usr/bin/env python
"""Score the plan parser against the hand-checked answer keys beside the repository.

    python benchmarks/score_importer.py            # seeds and the development corpus
    python benchmarks/score_importer.py --detail   # also the per-document blocks
    python benchmarks/score_importer.py --keep DIR # keep the predictions in DIR/<set>/

Reads ``../shared`` (the repository's parent holds it): ``seeds/`` against ``gold/``, and
``corpus/docs/`` against ``corpus/gold/``, parsed the way ``manage.py parse_plan --json`` does,
then prints ``shared/tools/score_plan.py``'s total block for each. It reports; it does not gate
(exit 0 unless the parser itself crashes). Where ``../shared`` is absent it says so and skips.
"""
from __future__ import annotations

import argparse
import contextlib
import importlib.util
import io
import json
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
sys.path.insert(0, str(ROOT))

SETS = [  # (name, documents, answer keys)
    ("seeds", SHARED / "seeds", SHARED / "gold"),
    ("corpus", SHARED / "corpus" / "docs", SHARED / "corpus" / "gold"),
]


def _scorer(path: Path):
    spec = importlib.util.spec_from_file_location("score_plan", path)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def _predict(docs: Path, out: Path) -> int:
    from plans.importers import ImportRefused, parse_bytes

    n = 0
    for doc in sorted(docs.glob("*.txt")):
        try:
            result = parse_bytes(doc.read_bytes(), doc.name)
        except ImportRefused as exc:  # scored as an empty prediction, as parse_plan would fail
            print(f"  {doc.name}: refused ({exc.code}): {exc.message}")
            continue
        (out / f"{doc.stem}.json").write_text(json.dumps(result, ensure_ascii=False), encoding="utf-8")
        n += 1
    return n


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--detail", action="store_true", help="print the per-document blocks too")
    ap.add_argument("--keep", type=Path, help="write the predictions under this folder")
    args = ap.parse_args(argv)
    tool = SHARED / "tools" / "score_plan.py"
    if not tool.is_file():
        print(f"score_importer: skipped ({SHARED} is absent: no answer keys to score against)")
        return 0
    sp = _scorer(tool)
    for name, docs, gold in SETS:
        if not (docs.is_dir() and gold.is_dir()):
            print(f"== {name}: skipped ({docs} or {gold} is absent)")
            continue
        with tempfile.TemporaryDirectory() as tmp:
            out = args.keep / name if args.keep else Path(tmp)
            out.mkdir(parents=True, exist_ok=True)
            t0 = time.perf_counter()
            n = _predict(docs, out)
            took = time.perf_counter() - t0
            buf = io.StringIO()
            with contextlib.redirect_stdout(buf):
                sp.main(["--dir", str(gold), str(out)])
            lines = buf.getvalue().splitlines()
            print(f"== {name}: {n} documents parsed in {took:.1f} s")
            if args.detail:
                print("\n".join(lines))
            else:
                k = lines.index("total:") if "total:" in lines else 0
                print("\n".join(lines[k:]))
    return 0


if __name__ == "__main__":
    sys.exit(main())

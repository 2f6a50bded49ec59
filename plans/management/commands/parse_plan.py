"""python manage.py parse_plan FILE --json  — parse a plan document, print the tree.

Touches no database: only the parser runs.
"""
import json as jsonlib
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.importers import ImportRefused, parse_document


class Command(BaseCommand):
    help = "解析方案文件（.docx/.xlsx/.txt），输出条目树；材料汇编输出文章列表（不读写数据库）。"
    requires_system_checks = []
    requires_migrations_checks = False

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--json", action="store_true", help="以 JSON 输出完整结果（默认输出摘要）")
        parser.add_argument("--year", type=int, default=None, help="方案年度（文中没有年份时使用）")
        parser.add_argument("--unit", action="append", default=[], dest="units",
                            help="已知单位名称，可重复；不在其中的单位列入 unknown_units")

    def handle(self, *args, file, json: bool = False, year=None, units=(), **opts):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        try:
            result = parse_document(path.read_bytes(), path.name, known_units=units, year=year)
        except ImportRefused as exc:
            raise CommandError(exc.message) from exc
        if json:
            self.stdout.write(_dumps(result))
            return
        if result.get("kind") == "compilation":
            self.stdout.write(f"{result['title'] or path.name}（材料汇编）：文章 {len(result['articles'])} 篇；"
                              f"提示 {len(result['warnings'])} 条。")
            for w in result["warnings"]:
                self.stdout.write(f"  - {w['message']}")
            return
        self.stdout.write(f"{result['title']}（{result['year']}年）")
        n = _count(result["items"])
        self.stdout.write(f"条目 {n[0]} 个，其中需落实的任务 {n[1]} 个；提示 {len(result['warnings'])} 条。")
        for w in result["warnings"]:
            self.stdout.write(f"  - {w['message']}")


def _dumps(obj) -> str:
    return jsonlib.dumps(obj, ensure_ascii=False, indent=2)


def _count(items):
    total = act = 0
    for it in items:
        total += 1
        act += bool(it.get("actionable"))
        t, a = _count(it.get("children") or [])
        total += t
        act += a
    return total, act

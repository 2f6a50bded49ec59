"""Recompute the segmented search text of measures (after a jieba upgrade, or for old data)."""
import time

from django.core.management.base import BaseCommand

from plans.models import Measure
from plans.search import reindex_measures


class Command(BaseCommand):
    help = "重建措施的分词检索文本（jieba）。--plan 只处理一个方案。"

    def add_arguments(self, parser):
        parser.add_argument("--plan", type=int, help="方案 ID")

    def handle(self, *args, **opts):
        qs = Measure.objects.all()
        if opts["plan"]:
            qs = qs.filter(plan_id=opts["plan"])
        t0 = time.perf_counter()
        n = reindex_measures(qs)
        self.stdout.write(f"已重建 {n} 条措施的检索文本，用时 {time.perf_counter() - t0:.1f} 秒。")

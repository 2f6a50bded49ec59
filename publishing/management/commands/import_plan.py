from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from plans.importers import ImportRefused, parse_bytes
from plans.models import Region
from plans.services import PlanImportError, unit_names_for_parser

from ...services import plan_import


class Command(BaseCommand):
    help = "导入方案文件（.docx/.xlsx/.txt），整体成功或整体不写入；同一文件重复导入不产生变化，修订版输出差异。"

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--region", required=True, help="区域代码（Region.code）")
        parser.add_argument("--year", type=int, default=None)

    def handle(self, *args, file: str, region: str, year: int | None, **opts):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        try:
            reg = Region.objects.get(code=region)
        except Region.DoesNotExist:
            raise CommandError(f"没有代码为 {region} 的区域") from None
        data = path.read_bytes()
        try:
            tree = parse_bytes(data, path.name, known_units=unit_names_for_parser(reg), year=year)
            result = plan_import(tree=tree, region=reg, source_name=path.name, source_bytes=data)
        except (ImportRefused, PlanImportError) as exc:
            raise CommandError(exc.message) from exc
        plan = result.plan
        if result.unchanged:
            self.stdout.write(f"文件与已导入的方案“{plan.title}”相同，未做任何修改。")
            return
        self.stdout.write(f"{'已新建' if result.created else '已更新'}方案“{plan.title}”（ID {plan.pk}）。")
        if not result.created:
            for line in result.diff.as_lines() + result.task_changes:
                self.stdout.write(line)
        if result.unknown_units:
            self.stdout.write("未识别的单位（请在审核页面映射或新建）：" + "、".join(result.unknown_units))

"""manage.py parse_plan FILE --json: prints the tree, touches no database."""
import json
import subprocess
import sys

import pytest
from django.core.management import CommandError, call_command

from .conftest import REPO, seed_path


def test_it_prints_the_tree_as_json(capsys):
    # no `db` fixture: pytest-django makes any database access in here an error
    call_command("parse_plan", str(seed_path("000")), "--json")
    out = json.loads(capsys.readouterr().out)
    assert out["title"] == "铁西区2026年优化营商环境重点工作实施方案"
    assert out["items"][0]["children"][0]["co_units"] == ["区政数局", "各驻厅部门"]
    assert "warnings" in out and "unknown_units" in out


def test_it_takes_the_year_from_the_command_line(capsys):
    call_command("parse_plan", str(seed_path("003")), "--json", "--year", "2026")
    out = json.loads(capsys.readouterr().out)
    assert out["year"] == 2026
    first_task = out["items"][1]["children"][0]["children"][0]["children"][0]
    assert first_task["deadline"]["date"] == "2026-12-31"


def test_it_raises_a_command_error_in_chinese_when_refused(tmp_path):
    # (Seed 004, a compilation, is no longer refused: parse_plan prints its articles.)
    prose = tmp_path / "思考.txt"
    prose.write_text("关于优化营商环境的几点思考\n我们要持续优化营商环境，提升服务水平。\n" * 20, encoding="utf-8")
    with pytest.raises(CommandError) as info:
        call_command("parse_plan", str(prose), "--json")
    assert "编号" in str(info.value)


@pytest.mark.slow
def test_it_exits_non_zero_with_the_message_on_stderr(tmp_path):
    bad = tmp_path / "方案.docx"
    bad.write_bytes(b"%PDF-1.4\n")
    proc = subprocess.run([sys.executable, "manage.py", "parse_plan", str(bad), "--json"], cwd=REPO,
                          capture_output=True, text=True, timeout=120,
                          env={**__import__("os").environ, "DJANGO_SETTINGS_MODULE": "config.settings.test"})
    assert proc.returncode != 0
    assert proc.stdout == ""
    assert "PDF" in proc.stderr and ".docx" in proc.stderr

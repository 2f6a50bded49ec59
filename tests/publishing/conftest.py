from pathlib import Path

import pytest

from publishing.services import compilation_import_file

SEEDS = Path(__file__).resolve().parents[2] / "fixtures" / "seeds"
SEED4 = next(SEEDS.glob("004_*.txt"))


@pytest.fixture
def library(cast):
    """Seed 004 imported into the case library."""
    return compilation_import_file(data=SEED4.read_bytes(), filename=SEED4.name, actor=cast.admin)

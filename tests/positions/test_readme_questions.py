"""Every SQL example of the README's "ten questions" runs, through `claimtrack sql`, on really extracted data."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from claimtrack.cli import main

README = Path(__file__).resolve().parent.parent.parent / "README.md"
#: Questions whose answer is not empty on the test database (the others ask about "this month" or need
#: data the fixture does not have; they must still run).
ANSWERED = {1, 3, 4, 6, 7, 8, 9, 10}


def questions() -> list[tuple[int, str, str]]:
    text = README.read_text(encoding="utf-8")
    block = text[text.index("<!-- questions:start -->") : text.index("<!-- questions:end -->")]
    found = re.findall(r"^(\d+)\. \*\*(.+?)\*\*\n\n   ```sql\n(.*?)\n   ```", block, flags=re.M | re.S)
    return [(int(n), q, "\n".join(line.removeprefix("   ") for line in sql.splitlines())) for n, q, sql in found]


def test_readme_has_ten_questions() -> None:
    assert [n for n, _, _ in questions()] == list(range(1, 11))


@pytest.mark.parametrize(("number", "question", "sql"), questions(), ids=[f"q{n}" for n, _, _ in questions()])
def test_readme_question_runs(
    real_db: Path, capsys: pytest.CaptureFixture[str], number: int, question: str, sql: str
) -> None:
    assert main(["sql", "--db", str(real_db), "--format", "json", sql]) == 0, question
    rows = json.loads(capsys.readouterr().out)
    if number in ANSWERED:
        assert rows, f"README question {number} ({question}) found nothing on the real-data database"
